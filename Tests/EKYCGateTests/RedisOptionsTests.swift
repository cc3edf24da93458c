import Foundation
import Testing
@testable import EKYCGate

/// `store = redis://…` and its keys, as a Redis user writes them.
@Suite struct RedisOptionsTests {
    @Test func urlForms() throws {
        #expect(try RedisOptions(url: "redis://10.0.0.5") == RedisOptions(host: "10.0.0.5"))
        #expect(try RedisOptions(url: "redis://cache.internal:6380/2") == RedisOptions(host: "cache.internal", port: 6380, database: 2))
        #expect(try RedisOptions(url: "redis://:p%40ss@127.0.0.1:6379/0") == RedisOptions(host: "127.0.0.1", password: "p@ss"))
        #expect(try RedisOptions(url: "redis://ekyc:pw@127.0.0.1/1") == RedisOptions(host: "127.0.0.1", database: 1, username: "ekyc", password: "pw"))
        #expect(try RedisOptions(url: "redis://[::1]:7000/") == RedisOptions(host: "::1", port: 7000))
        #expect(try RedisOptions(url: "redis://ekyc@127.0.0.1") == RedisOptions(host: "127.0.0.1", username: "ekyc"))
    }

    @Test func badURLsSayWhatIsWrong() {
        for (url, words) in [("rediss://cache:6379", "TLS"), ("redis://cache:99999", "port"), ("redis://cache/x", "database"),
                             ("redis://", "host"), ("redis://cache?timeout=1", "query"), ("redis://:50%@cache", "%25")] {
            do { _ = try RedisOptions(url: url); Issue.record("accepted \(url)") } catch {
                #expect(error.message.contains(words), "\(url): \(error.message)")
            }
        }
    }

    @Test func redactedNeverShowsThePassword() throws {
        let options = try RedisOptions(url: "redis://ekyc:topsecret@127.0.0.1:6379/4")
        #expect(options.redacted == "redis://ekyc:***@127.0.0.1:6379/4")
    }

    @Test func handlerConfigSelectsRedisWithItsKeys() throws {
        let directory = NSTemporaryDirectory() + "ekyc-redis-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let passwordFile = directory + "/redis.pass"
        try Data("from-file\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
        chmod(passwordFile, 0o600)
        let config = try Fixtures.config(["store": "redis://127.0.0.1:6390/5", "redis_password_file": passwordFile,
                                          "redis_connect_timeout_ms": "200", "redis_timeout_ms": "750"])
        #expect(config.redis == RedisOptions(host: "127.0.0.1", port: 6390, database: 5, password: "from-file",
                                             connectTimeoutMilliseconds: 200, commandTimeoutMilliseconds: 750))
        #expect(try Fixtures.config().redis == nil)
        #expect(try Fixtures.config(["store": "redis://ekyc@127.0.0.1", "redis_password_file": passwordFile]).redis?.username == "ekyc")
        #expect(throws: ConfigError.self) { try Fixtures.config(["store": "redis://ekyc@127.0.0.1"]) }

        chmod(passwordFile, 0o644)
        #expect(throws: ConfigError.self) { try Fixtures.config(["store": "redis://127.0.0.1", "redis_password_file": passwordFile]) }
        #expect(throws: ConfigError.self) { try Fixtures.config(["redis_timeout_ms": "100"]) }
        #expect(throws: ConfigError.self) { try Fixtures.config(["store": "redis://:pw@127.0.0.1", "redis_password_file": passwordFile]) }
    }
}
