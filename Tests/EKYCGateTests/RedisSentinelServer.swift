import Foundation
import RedisClient
@testable import EKYCGate

/// A real `redis-sentinel` (Debian's package) on a free loopback port monitoring one master as
/// `name`, for one test: its config (which Sentinel rewrites) in a temp directory, stopped by
/// its PID in `deinit`.
final class RedisSentinelServer: @unchecked Sendable {
    static let executable = "/usr/bin/redis-sentinel"
    let port: Int
    let directory: String
    private var process: Process?

    init(monitoring master: RedisServer, name: String = "ekyc", password: String? = nil) throws {
        directory = NSTemporaryDirectory() + "ekyc-sentinel-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try RedisServer.freePort()
        var config = """
            bind 127.0.0.1
            port \(port)
            dir \(directory)
            logfile \(directory)/sentinel.log
            sentinel monitor \(name) 127.0.0.1 \(master.port) 1
            sentinel down-after-milliseconds \(name) 1000
            sentinel failover-timeout \(name) 5000

            """
        if let secret = master.password { config += "sentinel auth-pass \(name) \(secret)\n" }
        if let password { config += "requirepass \(password)\n" }
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/sentinel.conf"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [directory + "/sentinel.conf"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if let connection = try? RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMilliseconds: 500, commandTimeoutMilliseconds: 1_000) {
                if let password { _ = try? connection.command("AUTH", password) }
                if case .array(let parts) = try? connection.command("SENTINEL", "get-master-addr-by-name", name), parts.count == 2 { return }
            }
            usleep(25_000)
        }
        throw RedisServerError(message: "redis-sentinel on port \(port) did not answer within 5 s; see \(directory)/sentinel.log")
    }

    var address: RedisAddress { RedisAddress(host: "127.0.0.1", port: port) }

    deinit {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
