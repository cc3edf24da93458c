import Foundation
import Testing
import RedisClient
import EKYCCrypto
@testable import EKYCGate

/// The Redis store against a real redis-server: what is in Redis, what happens when Redis goes
/// away and comes back (what every store promises is in `TokenStoreContractTests`).
@Suite struct RedisTokenStoreTests {
    static let token = "81EEF678-28EE-4759-A82E-6CBBBE6BC442"

    func record(created: Int64 = WallClock.seconds()) -> TokenRecord {
        TokenRecord(token: Self.token, created: created, sessionHash: String(repeating: "a", count: 64), extra: "order-42")
    }

    @Test func keyIsAHashNeverTheTokenAndValueIsTheJSONRecord() throws {
        let server = try RedisServer()
        try RedisTokenStore(options: server.options).save(record())
        let redis = try server.connection()
        guard case .array(let keys) = try redis.command("KEYS", "*") else { Issue.record("KEYS"); return }
        #expect(keys == [.string(Array(("ekyc:token:" + SHA256.hexHash(Self.token)).utf8))])
        let value = try #require(try redis.command("GET", RedisTokenStore.key(for: Self.token)).text)
        #expect(!keys.contains { $0.text?.contains(Self.token) == true })
        #expect(try JSONDecoder().decode(TokenRecord.self, from: Data(value.utf8)) == record(created: record().created))
    }

    /// A store larger than one `SCAN` batch is listed whole, each record once or (as `SCAN`
    /// allows) more often, never a record of another key.
    @Test func listingSpansManyScanBatches() throws {
        let server = try RedisServer()
        let store = RedisTokenStore(options: server.options)
        let tokens = (1...(RedisTokenStore.listBatch * 2 + 34)).map { String(format: "BBBBBBBB-0000-0000-0000-%012d", $0) }
        for token in tokens { try store.save(TokenRecord(token: token, created: WallClock.seconds(), sessionHash: "", extra: nil)) }
        _ = try server.connection().command("SET", "ekyc:other:1", "not a record")
        var seen: [String: Int] = [:]
        try store.forEachRecord { seen[$0.token, default: 0] += 1 }
        #expect(Set(seen.keys) == Set(tokens))
    }

    /// Redis ends the record when its results may no longer be read: 3 days after the start,
    /// pending or final (the 10-minute start window lies inside that).
    @Test func timeToLiveEndsAtKeepUntil() throws {
        let server = try RedisServer()
        let now: Int64 = 1_800_000_000
        let store = RedisTokenStore(options: server.options, clock: { now + 100 })
        try store.save(record(created: now))
        guard case .integer(let ttl) = try server.connection().command("TTL", RedisTokenStore.key(for: Self.token)) else {
            Issue.record("TTL"); return
        }
        #expect(ttl == TokenRecord.retentionSeconds - 100)
        // A record already past its retention is not written at all.
        let late = RedisTokenStore(options: server.options, clock: { now + TokenRecord.retentionSeconds + 1 })
        try late.save(record(created: now - 10))
        #expect(try late.load(token: Self.token)?.created == now)
    }

    @Test func unreachableRedisIsAStoreErrorAndTheStoreRecoversWhenItIsBack() throws {
        let server = try RedisServer()
        let store = RedisTokenStore(options: server.options)
        try store.save(record())
        server.stop()
        #expect(throws: StoreError.self) { try store.load(token: Self.token) }
        do { try store.save(record()); Issue.record("save succeeded without Redis") } catch {
            #expect(error.call == "connect" && error.path.hasPrefix("redis://127.0.0.1:"))
        }
        try server.start()
        // Written with appendfsync always before the crash: still there after the restart.
        #expect(try store.load(token: Self.token)?.token == Self.token)
    }

    /// A connection that broke while idle (Redis restarted between two requests) costs no
    /// failed request: the command is sent again once on a new connection.
    @Test func connectionBrokenWhileIdleIsRetriedOnce() throws {
        let server = try RedisServer()
        let store = RedisTokenStore(options: server.options)
        try store.save(record())
        server.stop()
        try server.start()
        #expect(try store.load(token: Self.token)?.token == Self.token)
        // And the same for CLIENT KILL, which closes every client connection.
        _ = try server.connection().command("CLIENT", "KILL", "TYPE", "normal")
        var final = record()
        final.status = .passed
        try store.save(final)
        #expect(try store.load(token: Self.token)?.status == .passed)
    }

    @Test func flushedScriptCacheIsSentWhole() throws {
        let server = try RedisServer()
        let store = RedisTokenStore(options: server.options)
        try store.save(record())
        _ = try server.connection().command("SCRIPT", "FLUSH")
        var final = record()
        final.status = .failed
        try store.save(final)
        try store.save(record())
        #expect(try store.load(token: Self.token)?.status == .failed)
    }

    @Test func passwordIsSentAndAWrongOneNamesAUTH() throws {
        let server = try RedisServer(password: "s3cret with spaces")
        try RedisTokenStore(options: server.options).check()
        var wrong = server.options
        wrong.password = "nope"
        do { try RedisTokenStore(options: wrong).check(); Issue.record("wrong password accepted") } catch {
            #expect(error.call == "AUTH")
            #expect(!error.description.contains("nope"))
        }
        var none = server.options
        none.password = nil
        #expect(throws: StoreError.self) { try RedisTokenStore(options: none).load(token: Self.token) }
    }

    /// The ACL user of docs/DEPLOYMENT.md: only the store's keys and the commands it sends.
    @Test func aclUserLimitedToTheStoreIsEnough() throws {
        let server = try RedisServer()
        _ = try server.connection().command("ACL", "SETUSER", "ekyc", "on", ">pw-ekyc", "~ekyc:token:*", "resetchannels", "-@all",
                                            "+get", "+set", "+eval", "+evalsha", "+script|load", "+ping", "+select")
        var options = server.options
        options.username = "ekyc"
        options.password = "pw-ekyc"
        options.database = 2
        let store = RedisTokenStore(options: options)
        try store.check()
        try store.save(record())
        _ = try server.connection().command("SCRIPT", "FLUSH")
        var final = record()
        final.status = .passed
        try store.save(final)
        #expect(try store.load(token: Self.token)?.status == .passed)
    }

    @Test func databaseIsSelected() throws {
        let server = try RedisServer()
        var options = server.options
        options.database = 3
        try RedisTokenStore(options: options).save(record())
        let redis = try server.connection()
        #expect(try redis.command("EXISTS", RedisTokenStore.key(for: Self.token)) == .integer(0))
        _ = try redis.command("SELECT", "3")
        #expect(try redis.command("EXISTS", RedisTokenStore.key(for: Self.token)) == .integer(1))
    }

    @Test func sweepIsLeftToRedis() throws {
        let server = try RedisServer()
        #expect(try RedisTokenStore(options: server.options).sweep(now: .max) == 0)
    }
}

/// The Redis limiter: every node (here, two connections) counts against the same numbers, and a
/// key lives only as long as it carries state.
@Suite struct RedisRateLimiterTests {
    @Test func nodesShareTheBudgetAndKeysExpire() throws {
        let server = try RedisServer()
        let one = RedisTokenStore(options: server.options), two = RedisTokenStore(options: server.options)
        let rate = Rate(parsing: "5/m")!
        var allowed = 0
        for index in 0..<12 where try (index % 2 == 0 ? one : two).take("api:Apply", rate: rate, now: 0).allowed { allowed += 1 }
        #expect(allowed == 5)
        let refused = try one.take("api:Apply", rate: rate, now: 0)
        #expect(!refused.allowed && refused.retryAfterMilliseconds > 0 && refused.retryAfterMilliseconds <= 12_000)
        let key = RedisTokenStore.limitKeyPrefix + SHA256.hexHash("api:Apply")
        guard case .integer(let ttl) = try server.connection().command("PTTL", key) else { Issue.record("PTTL"); return }
        #expect(ttl > 0 && ttl <= 60_000)
    }
}
