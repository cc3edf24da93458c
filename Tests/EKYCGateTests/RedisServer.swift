import Foundation
import RedisClient
@testable import EKYCGate

/// A real `redis-server` (Debian's package) on a free loopback port, for one test: started in
/// `init`, stopped by its PID in `deinit`, its files in a temp directory removed. `stop()` and
/// `start()` restart it on the same port and directory, with its append-only file, as an
/// operator's restart does.
final class RedisServer: @unchecked Sendable {
    static let executable = "/usr/bin/redis-server"
    let port: Int
    let directory: String
    let password: String?
    /// More redis-server options, e.g. `--replicaof 127.0.0.1 PORT`.
    let extraArguments: [String]
    private var process: Process?

    init(password: String? = nil, extraArguments: [String] = []) throws {
        directory = NSTemporaryDirectory() + "ekyc-redis-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        self.password = password
        self.extraArguments = extraArguments
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var options: RedisOptions {
        RedisOptions(host: "127.0.0.1", port: port, password: password, connectTimeoutMilliseconds: 500, commandTimeoutMilliseconds: 1_000)
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        var arguments = ["--bind", "127.0.0.1", "--port", String(port), "--dir", directory, "--save", "",
                         "--appendonly", "yes", "--appendfsync", "always", "--logfile", directory + "/redis.log"]
        if let password { arguments += ["--requirepass", password, "--masterauth", password] }
        process.arguments = arguments + extraArguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<200 {
            // Until the append-only file is loaded, PING answers -LOADING.
            if let connection = try? self.connection(), (try? connection.command("PING")) == .status("PONG") {
                return
            }
            usleep(25_000)
        }
        throw RedisServerError(message: "redis-server on port \(port) did not answer within 5 s; see \(directory)/redis.log")
    }

    /// SIGKILL, as a crash: only what the append-only file holds survives.
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// A direct connection for looking behind the store (TTL, raw keys).
    func connection() throws -> RedisConnection {
        let connection = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMilliseconds: 500, commandTimeoutMilliseconds: 1_000)
        if let password { _ = try connection.command("AUTH", password) }
        return connection
    }

    /// A port nothing listens on now: bind port 0, read the port, close.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisServerError(message: "socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw RedisServerError(message: "bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct RedisServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
