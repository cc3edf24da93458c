import RedisClient

/// A lease for the Redis store, shared by every node: `SET key holder NX PX ttl` takes it; a
/// holder renews it (and gives it up) only while the key still names that holder, checked and
/// changed in one Lua script, so a holder whose lease ran out never extends or deletes the lease
/// another node took since. A holder that dies stops renewing; its lease ends after `ttl`.
public final class RedisLease: Lease, Sendable {
    public static let keyPrefix = "ekyc:lease:"

    /// KEYS[1] the lease, ARGV[1] the holder, ARGV[2] the time to live in ms. 1 renewed, 0 not ours.
    static let renewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """
    /// KEYS[1] the lease, ARGV[1] the holder. 1 released, 0 not ours.
    static let releaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """

    public let key: String
    public let ttlMilliseconds: Int64
    let name: String
    /// Its own connection (a store instance is one connection), apart from the records' and the
    /// limiter's, so a renewal never waits behind a round's commands.
    private let redis: RedisTokenStore

    public init(options: RedisOptions, name: String, ttlMilliseconds: Int64) {
        key = Self.keyPrefix + name
        self.ttlMilliseconds = ttlMilliseconds
        self.name = Self.holderName()
        redis = RedisTokenStore(options: options)
    }

    public func acquire() throws(StoreError) -> Bool {
        let ttl = String(ttlMilliseconds)
        let taken = try command(["SET", key, name, "NX", "PX", ttl])
        if taken == .status("OK") { return true }
        return try command(["EVAL", Self.renewScript, "1", key, name, ttl]) == .integer(1)
    }

    public func holder() -> String? {
        (try? command(["GET", key]))?.text
    }

    public func release() {
        _ = try? command(["EVAL", Self.releaseScript, "1", key, name])
    }

    /// One command; an error reply is a `StoreError` like a failed connection.
    private func command(_ words: [String]) throws(StoreError) -> RedisReply {
        let reply = try redis.run(key: key) { _ in words.map { Array($0.utf8) } }
        if case .error(let message) = reply {
            throw StoreError(call: words[0], path: key, errno: 0, detail: "Redis answered: \(message)")
        }
        return reply
    }
}
