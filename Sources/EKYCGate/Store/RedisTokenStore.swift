#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
import EKYCCrypto
import RedisClient

/// Token records in Redis, for several machines behind one load balancer. Same contract as
/// `FileTokenStore`: a record is one `SET` of the whole JSON (wholly there or not at all), the
/// key is `ekyc:token:<SHA-256 hex of the token>` (never the token), Redis's TTL ends it at
/// `keepUntil` (3 days: the start window is inside that), and a final record is written once.
/// The quota is checked in the same script, in O(1): `DBSIZE` of the database against
/// `store_max_records`, Redis's `used_memory` against `store_max_bytes`.
///
/// One connection per instance: the handlers make one instance per worker thread, so each
/// worker has its own connection and never waits for another. The
/// mutex only keeps the type honestly `Sendable`; it is never contended.
///
/// A failed command drops the connection and the next call connects again. A command on a
/// connection that broke while idle (Redis restarted) is retried once on a new connection,
/// which is safe because GET and the write-once script are idempotent. Every failure is a
/// `StoreError`, which the handlers answer with 503 and `Retry-After`.
///
/// With `RedisReplication` set, the address comes from the Sentinels (`+Sentinel`), a `READONLY`
/// answer (a demoted master) sends the call to the new master once, and each write the store
/// promises durable waits for `redis_replicas` replicas (`WAIT`) before it counts as done.
public final class RedisTokenStore: TokenStore {
    public static let keyPrefix = "ekyc:token:"

    /// Writes the record unless a final one is already stored (status other than pending), and
    /// a new pending record only while the quota has room. KEYS[1] the key, ARGV[1] the JSON
    /// record, ARGV[2] seconds to live, ARGV[3] `pending` for a pending record, ARGV[4] and
    /// ARGV[5] the most keys and bytes (0: no limit). 1 written, 0 kept, 2 refused: full.
    static let writeOnceScript = """
        local current = redis.call('GET', KEYS[1])
        if current then
          local ok, stored = pcall(cjson.decode, current)
          if ok and type(stored) == 'table' and stored['status'] ~= nil and stored['status'] ~= 'pending' then
            return 0
          end
        elseif ARGV[3] == 'pending' then
          local maxKeys, maxBytes = tonumber(ARGV[4]), tonumber(ARGV[5])
          if maxKeys > 0 and redis.call('DBSIZE') >= maxKeys then return 2 end
          if maxBytes > 0 then
            local used = tonumber(string.match(redis.call('INFO', 'memory'), 'used_memory:(%d+)'))
            if used and used >= maxBytes then return 2 end
          end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
        return 1
        """

    public let options: RedisOptions
    public let quota: StoreQuota
    let clock: @Sendable () -> Int64
    private let session = Mutex<Session?>(nil)
    /// The Sentinels in the order they are asked: one that failed moves to the end.
    let sentinelOrder: Mutex<[RedisAddress]>

    /// A live connection and the SHA-1 Redis gave the write-once script on it (`SCRIPT LOAD`).
    final class Session {
        let connection: RedisConnection
        let scriptSHA: [UInt8]
        init(connection: RedisConnection, scriptSHA: [UInt8]) {
            self.connection = connection
            self.scriptSHA = scriptSHA
        }
    }

    /// Connects lazily, on the first call; see `check()` for a start-up test.
    public init(options: RedisOptions, quota: StoreQuota = .off, clock: @escaping @Sendable () -> Int64 = WallClock.seconds) {
        self.options = options
        self.quota = quota
        self.clock = clock
        sentinelOrder = Mutex(options.replication.sentinels)
    }

    public static func key(for token: String) -> String { keyPrefix + SHA256.hexHash(token) }

    public func save(_ record: TokenRecord) throws(StoreError) {
        let key = Self.key(for: record.token)
        let seconds = record.keepUntil - clock()
        // Past its retention the record would be gone at once; there is nothing to keep.
        guard seconds > 0 else { return }
        let json: [UInt8]
        do { json = Array(try JSONEncoder().encode(record)) } catch {
            throw StoreError(call: "encode", path: key, errno: 0, detail: "\(error)")
        }
        let arguments = [Array(key.utf8), json, Array(String(seconds).utf8), Array(record.status.rawValue.utf8),
                         Array(String(quota.maxRecords ?? 0).utf8), Array(String(quota.maxBytes ?? 0).utf8)]
        var reply = try run(key: key, durable: true) { [Array("EVALSHA".utf8), $0.scriptSHA, Array("1".utf8)] + arguments }
        // The script cache was flushed (SCRIPT FLUSH, a failover to a fresh replica): send it whole.
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            reply = try run(key: key, durable: true) { _ in [Array("EVAL".utf8), Array(Self.writeOnceScript.utf8), Array("1".utf8)] + arguments }
        }
        switch reply {
        case .integer(0), .integer(1): return
        case .integer(2): throw quota.refusal((try? usage()) ?? StoreUsage(records: 0, bytes: 0), where: options.redacted)
        case .error(let message): throw StoreError(call: "EVAL", path: key, errno: 0, detail: "Redis answered: \(message)")
        default: throw StoreError(call: "EVAL", path: key, errno: 0, detail: "unexpected reply \(reply)")
        }
    }

    public func create(_ record: TokenRecord) throws(StoreError) -> Bool {
        let key = Self.key(for: record.token)
        let seconds = record.keepUntil - clock()
        guard seconds > 0 else { return false }
        let json: [UInt8]
        do { json = Array(try JSONEncoder().encode(record)) } catch {
            throw StoreError(call: "encode", path: key, errno: 0, detail: "\(error)")
        }
        let reply = try run(key: key, durable: true) { _ in
            [Array("SET".utf8), Array(key.utf8), json, Array("NX".utf8), Array("EX".utf8), Array(String(seconds).utf8)]
        }
        switch reply {
        case .status("OK"): return true
        case .null: return false
        case .error(let message): throw StoreError(call: "SET", path: key, errno: 0, detail: "Redis answered: \(message)")
        default: throw StoreError(call: "SET", path: key, errno: 0, detail: "unexpected reply \(reply)")
        }
    }

    public func load(token: String) throws(StoreError) -> TokenRecord? {
        let key = Self.key(for: token)
        let reply = try run(key: key) { _ in [Array("GET".utf8), Array(key.utf8)] }
        switch reply {
        case .null:
            return nil
        case .string(let bytes):
            let record: TokenRecord
            do { record = try JSONDecoder().decode(TokenRecord.self, from: Data(bytes)) } catch {
                throw StoreError(call: "decode", path: key, errno: 0, detail: "record is not valid JSON: \(error)")
            }
            // The key is a hash of the token; a record under another token's key is not this one's.
            return record.token == token ? record : nil
        case .error(let message):
            throw StoreError(call: "GET", path: key, errno: 0, detail: "Redis answered: \(message)")
        case let other:
            throw StoreError(call: "GET", path: key, errno: 0, detail: "unexpected reply \(other)")
        }
    }

    /// Nothing to do: Redis removes each record when its TTL ends.
    public func sweep(now: Int64) throws(StoreError) -> Int { 0 }

    public func remove(token: String) throws(StoreError) {
        let key = Self.key(for: token)
        let reply = try run(key: key) { _ in [Array("DEL".utf8), Array(key.utf8)] }
        if case .error(let message) = reply {
            throw StoreError(call: "DEL", path: key, errno: 0, detail: "Redis answered: \(message)")
        }
    }

    /// `DBSIZE` and `used_memory`: what the quota is checked against.
    public func usage() throws(StoreError) -> StoreUsage? {
        let place = options.redacted
        let keys = try run(key: place) { _ in [Array("DBSIZE".utf8)] }
        let info = try run(key: place) { _ in [Array("INFO".utf8), Array("memory".utf8)] }
        guard case .integer(let records) = keys,
              let line = info.text?.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("used_memory:") }),
              let bytes = Int(line.dropFirst("used_memory:".count)) else {
            throw StoreError(call: "INFO", path: place, errno: 0, detail: "unexpected replies \(keys), \(info.text?.prefix(80) ?? "")")
        }
        return StoreUsage(records: Int(records), bytes: bytes)
    }

    /// Connects (with AUTH and SELECT) and sends PING, for a check at start-up.
    public func check() throws(StoreError) {
        let reply = try run(key: options.redacted) { _ in [Array("PING".utf8)] }
        guard case .status("PONG") = reply else {
            throw StoreError(call: "PING", path: options.redacted, errno: 0, detail: "unexpected reply \(reply)")
        }
    }

    /// Runs one command on this instance's connection, connecting first when there is none.
    /// A `durable` write is acknowledged only once `redis_replicas` replicas have it (`WAIT` on
    /// the same connection, right after it); see `waitForReplicas`.
    func run(key: String, durable: Bool = false, _ command: (Session) -> [[UInt8]]) throws(StoreError) -> RedisReply {
        try session.withLock { (current: inout Session?) throws(StoreError) -> RedisReply in
            var reused = current != nil
            var askedAgain = false
            while true {
                let live: Session
                if let current { live = current } else {
                    live = try connect()
                    current = live
                    reused = false
                }
                let arguments = command(live)
                let verb = String(decoding: arguments.first ?? [], as: UTF8.self)
                let reply: RedisReply
                do throws(RedisError) {
                    reply = try live.connection.command(arguments)
                } catch {
                    current = nil
                    if reused && error.kind == .connectionLost {
                        reused = false
                        continue
                    }
                    throw StoreError(call: verb, path: key, errno: error.errno, detail: "\(error.description) (\(options.redacted))")
                }
                // A master demoted by a failover refuses writes: the write did not happen, so
                // connecting again (asking the Sentinels for the new master) and repeating it is safe.
                if case .error(let message) = reply, message.hasPrefix("READONLY") {
                    current = nil
                    if !askedAgain {
                        askedAgain = true
                        reused = false
                        continue
                    }
                    return reply
                }
                if durable, options.replication.replicas > 0, !reply.isError {
                    do throws(StoreError) { try waitForReplicas(live, key: key, after: verb) } catch {
                        current = nil
                        throw error
                    }
                }
                return reply
            }
        }
    }

    /// `WAIT redis_replicas redis_wait_timeout_ms` after a write: it returns once that many
    /// replicas have every write this connection made, or when the timeout passes. Short of the
    /// count the write is still on the primary (WAIT cannot undo it) but would be lost if the
    /// primary failed now, so the caller is told it failed and answers 503: a client that retries
    /// gets a new record once the replicas are back.
    private func waitForReplicas(_ live: Session, key: String, after verb: String) throws(StoreError) {
        let wanted = options.replication.replicas
        let timeout = options.replication.waitTimeoutMilliseconds
        live.connection.setCommandTimeout(milliseconds: timeout + options.commandTimeoutMilliseconds)
        defer { live.connection.setCommandTimeout(milliseconds: options.commandTimeoutMilliseconds) }
        let reply: RedisReply
        do { reply = try live.connection.command("WAIT", String(wanted), String(timeout)) } catch {
            throw StoreError(call: "WAIT", path: key, errno: error.errno, detail: "\(error.description) (\(options.redacted))")
        }
        guard case .integer(let acknowledged) = reply, acknowledged >= wanted else {
            let reached: String
            if case .integer(let count) = reply { reached = String(count) } else { reached = "an unknown number (WAIT answered \(reply.text ?? "\(reply)"))" }
            throw StoreError(call: "WAIT", path: key, errno: 0,
                             detail: "the write (\(verb)) reached \(reached) of the \(wanted) replicas redis_replicas asks for within redis_wait_timeout_ms (\(timeout) ms): it is on the primary only and a failover would lose it; check the replicas (redis-cli INFO replication) (\(options.redacted))")
        }
    }

    /// A connection to host:port with the configured timeouts; a failure is a `StoreError` of
    /// `call` at `path`, its detail led by `about` when given.
    func openConnection(to host: String, _ port: Int, call: String, path: String, about: String? = nil) throws(StoreError) -> RedisConnection {
        do {
            return try RedisConnection(host: host, port: port, connectTimeoutMilliseconds: options.connectTimeoutMilliseconds,
                                       commandTimeoutMilliseconds: options.commandTimeoutMilliseconds)
        } catch {
            throw StoreError(call: call, path: path, errno: error.errno, detail: about.map { "\($0): \(error.description)" } ?? error.description)
        }
    }

    private func connect() throws(StoreError) -> Session {
        let connection: RedisConnection
        if options.replication.usesSentinels {
            connection = try connectToMaster()
        } else {
            connection = try openConnection(to: options.host, options.port, call: "connect", path: options.redacted)
            try authenticate(connection)
        }
        if options.database != 0 {
            try expectOK(connection, [Array("SELECT".utf8), Array(String(options.database).utf8)], call: "SELECT",
                         fix: "check the database number after the host in the store URL")
        }
        let loaded: RedisReply
        do { loaded = try connection.command([Array("SCRIPT".utf8), Array("LOAD".utf8), Array(Self.writeOnceScript.utf8)]) } catch {
            throw StoreError(call: "SCRIPT LOAD", path: options.redacted, errno: error.errno, detail: error.description)
        }
        guard case .string(let sha) = loaded, sha.count == 40 else {
            throw StoreError(call: "SCRIPT LOAD", path: options.redacted, errno: 0,
                             detail: "Redis answered \(loaded.text ?? "\(loaded)")")
        }
        return Session(connection: connection, scriptSHA: sha)
    }

    /// AUTH with the store's password, when it has one.
    func authenticate(_ connection: RedisConnection) throws(StoreError) {
        guard let password = options.password else { return }
        var auth = [Array("AUTH".utf8)]
        if let user = options.username { auth.append(Array(user.utf8)) }
        auth.append(Array(password.utf8))
        try expectOK(connection, auth, call: "AUTH", fix: "check the password in the store URL or redis_password_file")
    }

    func expectOK(_ connection: RedisConnection, _ arguments: [[UInt8]], call: String, fix: String) throws(StoreError) {
        let reply: RedisReply
        do { reply = try connection.command(arguments) } catch {
            throw StoreError(call: call, path: options.redacted, errno: error.errno, detail: error.description)
        }
        guard case .status("OK") = reply else {
            throw StoreError(call: call, path: options.redacted, errno: 0, detail: "Redis answered \(reply.text ?? "\(reply)"); \(fix)")
        }
    }
}
