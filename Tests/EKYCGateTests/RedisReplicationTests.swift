import Foundation
import Testing
import Synchronization
import RedisClient
@testable import EKYCGate

/// `redis_replicas` (WAIT after each durable write) and `redis_sentinels` (the master named by
/// Sentinel, checked with ROLE, asked again after READONLY), against real redis-server and
/// redis-sentinel processes.
@Suite struct RedisReplicationTests {
    func record(_ token: String = "81EEF678-28EE-4759-A82E-6CBBBE6BC442") -> TokenRecord {
        TokenRecord(token: token, created: WallClock.seconds(), sessionHash: String(repeating: "a", count: 64), extra: nil)
    }

    @Test func sentinelListForms() throws {
        #expect(try RedisAddress.list("10.0.0.21:26379, 10.0.0.22 ,[::1]:26380,10.0.0.21:26379", defaultPort: 26_379) == [
            RedisAddress(host: "10.0.0.21", port: 26_379), RedisAddress(host: "10.0.0.22", port: 26_379),
            RedisAddress(host: "::1", port: 26_380),
        ])
        for bad in ["", " , ", "host:0", "host:x", "[::1", "a b:1"] {
            #expect(throws: ConfigError.self) { try RedisAddress.list(bad, defaultPort: 26_379) }
        }
    }

    @Test func configKeys() throws {
        let config = try Fixtures.config(["store": "redis://:pw@ekyc/2", "redis_sentinels": "127.0.0.1:26001, 127.0.0.1:26002",
                                          "redis_master_name": "ekyc", "redis_replicas": "1", "redis_wait_timeout_ms": "250"])
        let replication = try #require(config.redis?.replication)
        #expect(replication == RedisReplication(replicas: 1, waitTimeoutMilliseconds: 250,
                                                sentinels: [RedisAddress(host: "127.0.0.1", port: 26_001), RedisAddress(host: "127.0.0.1", port: 26_002)],
                                                masterName: "ekyc"))
        #expect(config.redis?.redacted == "redis://:***@ekyc/2 (master named by sentinels 127.0.0.1:26001,127.0.0.1:26002)")
        #expect(try Fixtures.config(["store": "redis://127.0.0.1"]).redis?.replication == RedisReplication())
        // Sentinels need the master's name; the name and the Sentinels' password need Sentinels;
        // none of the keys fits the file store.
        #expect(throws: ConfigError.self) { try Fixtures.config(["store": "redis://127.0.0.1", "redis_sentinels": "127.0.0.1:26001"]) }
        #expect(throws: ConfigError.self) { try Fixtures.config(["store": "redis://127.0.0.1", "redis_master_name": "ekyc"]) }
        #expect(throws: ConfigError.self) { try Fixtures.config(["redis_replicas": "1"]) }
        #expect(throws: ConfigError.self) { try Fixtures.config(["store": "redis://127.0.0.1", "redis_replicas": "-1"]) }
        #expect(throws: ConfigError.self) { try Fixtures.config(["store": "redis://127.0.0.1", "redis_wait_timeout_ms": "0"]) }
    }

    @Test func sentinelReplies() throws {
        let sentinel = RedisAddress(host: "127.0.0.1", port: 26_379)
        #expect(try RedisTokenStore.masterAddress(.array([.string(Array("10.0.0.5".utf8)), .string(Array("6380".utf8))]),
                                                  name: "ekyc", sentinel: sentinel) == RedisAddress(host: "10.0.0.5", port: 6380))
        for reply in [RedisReply.null, .error("ERR no such command"), .array([.string(Array("h".utf8))]), .integer(1)] {
            #expect(throws: StoreError.self) { try RedisTokenStore.masterAddress(reply, name: "ekyc", sentinel: sentinel) }
        }
        #expect(RedisTokenStore.isMaster(.array([.string(Array("master".utf8)), .integer(0), .array([])])))
        #expect(!RedisTokenStore.isMaster(.array([.string(Array("slave".utf8)), .string(Array("127.0.0.1".utf8))])))
    }

    /// With no replica, WAIT times out: the save is refused (the handlers answer 503) although
    /// the record is on the primary.
    @Test func aWriteNoReplicaAcknowledgedIsRefused() throws {
        let primary = try RedisServer()
        var options = primary.options
        options.replication = RedisReplication(replicas: 1, waitTimeoutMilliseconds: 100)
        let store = RedisTokenStore(options: options)
        let error = try #require(throws: StoreError.self) { try store.save(record()) }
        #expect(error.call == "WAIT")
        #expect(error.detail.contains("0 of the 1 replicas"))
        #expect(try store.load(token: record().token) != nil)
        // Reads and the limiter do not wait.
        #expect(try store.take("ip:1", rate: Rate(count: 5, periodMilliseconds: 1_000), now: 0) == .allow)
    }

    @Test func aWriteIsOnTheReplicaWhenAcknowledged() throws {
        let primary = try RedisServer(password: "pw", extraArguments: ["--repl-diskless-sync-delay", "0"])
        let replica = try RedisServer(password: "pw", extraArguments: ["--replicaof", "127.0.0.1", String(primary.port), "--repl-diskless-sync-delay", "0"])
        try waitUntil("the replica is in sync") { try replica.connection().command("INFO", "replication").text?.contains("master_link_status:up") == true }
        var options = primary.options
        options.replication = RedisReplication(replicas: 1, waitTimeoutMilliseconds: 5_000)
        let store = RedisTokenStore(options: options)
        let claim = record("22222222-0000-0000-0000-000000000000")
        try store.save(record())
        #expect(try store.create(claim))
        let onReplica = try replica.connection()
        #expect(try onReplica.command("GET", RedisTokenStore.key(for: record().token)).text != nil)
        #expect(try onReplica.command("GET", RedisTokenStore.key(for: claim.token)).text != nil)
    }

    /// The first Sentinel is down (moved to the end of the order), the second names the master.
    /// After a failover the old master is a replica: the store's open connection gets READONLY,
    /// asks the Sentinels again and writes to the new master.
    @Test func followsTheMasterTheSentinelsName() throws {
        let primary = try RedisServer(password: "pw", extraArguments: ["--repl-diskless-sync-delay", "0"])
        let replica = try RedisServer(password: "pw", extraArguments: ["--replicaof", "127.0.0.1", String(primary.port), "--repl-diskless-sync-delay", "0"])
        try waitUntil("the replica is in sync") { try replica.connection().command("INFO", "replication").text?.contains("master_link_status:up") == true }
        let sentinel = try RedisSentinelServer(monitoring: primary)
        var options = RedisOptions(host: "ekyc", password: "pw")
        let down = RedisAddress(host: "127.0.0.1", port: try RedisServer.freePort())
        options.replication = RedisReplication(replicas: 1, waitTimeoutMilliseconds: 5_000, sentinels: [down, sentinel.address], masterName: "ekyc")
        let store = RedisTokenStore(options: options)
        try store.save(record("33333333-0000-0000-0000-000000000001"))
        #expect(store.sentinelOrder.withLock { $0 } == [sentinel.address, down])

        // Wait until the Sentinel knows the replica, then fail over by hand.
        let ask = try RedisConnection(host: "127.0.0.1", port: sentinel.port, connectTimeoutMilliseconds: 500, commandTimeoutMilliseconds: 2_000)
        try waitUntil("the Sentinel knows the replica") {
            if case .array(let replicas) = try ask.command("SENTINEL", "replicas", "ekyc") { return !replicas.isEmpty }
            return false
        }
        // NOGOODSLAVE until the Sentinel has seen the replica's link up in its INFO.
        try waitUntil("the Sentinel starts a failover") { try ask.command("SENTINEL", "failover", "ekyc") == .status("OK") }
        try waitUntil("the replica is master") {
            try ask.command("SENTINEL", "get-master-addr-by-name", "ekyc") == .array([.string(Array("127.0.0.1".utf8)), .string(Array(String(replica.port).utf8))])
                && RedisTokenStore.isMaster(try replica.connection().command("ROLE"))
        }
        try waitUntil("the old master is a replica again") {
            !RedisTokenStore.isMaster(try primary.connection().command("ROLE"))
        }
        let after = record("33333333-0000-0000-0000-000000000002")
        try store.save(after)
        #expect(try replica.connection().command("GET", RedisTokenStore.key(for: after.token)).text != nil)
        #expect(try store.load(token: "33333333-0000-0000-0000-000000000001") != nil)
    }

    @Test func sentinelPasswordAndAWrongOne() throws {
        let primary = try RedisServer()
        let sentinel = try RedisSentinelServer(monitoring: primary, password: "sentinel-pw")
        var options = RedisOptions(host: "ekyc")
        options.replication = RedisReplication(sentinels: [sentinel.address], masterName: "ekyc", sentinelPassword: "sentinel-pw")
        try RedisTokenStore(options: options).save(record())
        options.replication.sentinelPassword = "wrong"
        let error = try #require(throws: StoreError.self) { try RedisTokenStore(options: options).check() }
        #expect(error.call == "AUTH")
        options.replication.sentinelPassword = "sentinel-pw"
        options.replication.masterName = "other"
        let unknown = try #require(throws: StoreError.self) { try RedisTokenStore(options: options).check() }
        #expect(unknown.detail.contains("monitors no master named 'other'"))
    }

    /// Abuse: a plain Redis given as a Sentinel answers SENTINEL with an error; it is passed over
    /// (and moved to the end), and when it is the only one the message says what it answered.
    @Test func aServerThatIsNoSentinelIsPassedOver() throws {
        let primary = try RedisServer()
        let impostor = try RedisServer()
        let sentinel = try RedisSentinelServer(monitoring: primary)
        let wrong = RedisAddress(host: "127.0.0.1", port: impostor.port)
        var options = RedisOptions(host: "ekyc")
        options.replication = RedisReplication(sentinels: [wrong, sentinel.address], masterName: "ekyc")
        let store = RedisTokenStore(options: options)
        try store.save(record())
        #expect(store.sentinelOrder.withLock { $0 } == [sentinel.address, wrong])
        options.replication.sentinels = [wrong]
        let error = try #require(throws: StoreError.self) { try RedisTokenStore(options: options).check() }
        #expect(error.detail.contains("no Sentinel named a reachable master"))
        #expect(error.detail.contains("answered: ERR"))
    }

    private func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        for _ in 0..<400 {
            if (try? condition()) == true { return }
            usleep(25_000)
        }
        Issue.record("not within 10 s: \(what)")
        throw RedisServerError(message: what)
    }
}
