import EKYCCrypto
import RedisClient

/// A lease for every node of a Redis store: the key `ekyc:lease:<name>` holds the holder's
/// unique name, set with `SET … NX PX ttl` (Redis's clock times it out), extended and
/// deleted only by that holder (compare-and-set scripts). A holder that dies stops renewing,
/// and another node takes the lease once the TTL has passed.
public final class RedisLease: Lease {
    public static let keyPrefix = "ekyc:lease:"
    public let name: String
    public let ttlMilliseconds: Int64
    /// `host:pid:random`: unique to this instance, so two leases of one process are two holders.
    public let me: String
    private let redis: RedisTokenStore
    private var key: String { Self.keyPrefix + name }

    /// KEYS[1] the key; ARGV[1] the holder, ARGV[2] the TTL in ms. 1 when extended, 0 when not ours.
    static let renewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """

    /// KEYS[1] the key; ARGV[1] the holder. 1 when deleted, 0 when not ours.
    static let releaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """

    /// Uses a connection of its own (`options` as the store's).
    public init(options: RedisOptions, name: String, ttlMilliseconds: Int64) {
        self.name = name
        self.ttlMilliseconds = ttlMilliseconds
        self.redis = RedisTokenStore(options: options)
        let random = (try? SecureRandom.bytes(6)).map(Hex.encode) ?? "0"
        me = "\(Self.processName):\(random)"
    }

    deinit { release() }

    public func acquire() throws(StoreError) -> Bool {
        let reply = try redis.run(key: key) { _ in
            ["SET", key, me, "NX", "PX", String(ttlMilliseconds)].map { Array($0.utf8) }
        }
        switch reply {
        case .status("OK"): return true
        case .null: return try renew()
        default: throw StoreError(call: "SET", path: key, errno: 0, detail: "Redis answered \(reply.text ?? "\(reply)")")
        }
    }

    public func renew() throws(StoreError) -> Bool {
        try compareAndSet(Self.renewScript, [me, String(ttlMilliseconds)])
    }

    public func release() {
        _ = try? compareAndSet(Self.releaseScript, [me])
    }

    public func holder() -> String? {
        guard let reply = try? redis.run(key: key, { _ in [Array("GET".utf8), Array(key.utf8)] }), case .string = reply else { return nil }
        return reply.text
    }

    private func compareAndSet(_ script: String, _ arguments: [String]) throws(StoreError) -> Bool {
        let reply = try redis.run(key: key) { _ in (["EVAL", script, "1", key] + arguments).map { Array($0.utf8) } }
        switch reply {
        case .integer(let n): return n == 1
        default: throw StoreError(call: "EVAL", path: key, errno: 0, detail: "Redis answered \(reply.text ?? "\(reply)")")
        }
    }
}
