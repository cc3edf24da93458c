import Foundation
@testable import FastCGI
import Synchronization
import Testing

/// The server through a real unix socket, spoken to as nginx does.
@Suite struct FastCGIServerTests {
    /// A server on a fresh unix socket, serving on its own thread until `stop`.
    final class Running: @unchecked Sendable {
        let server: FastCGIServer
        let path: String
        private let stopper = Stopper()
        private let done = DispatchSemaphore(value: 0)

        init(workers: Int, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
            path = NSTemporaryDirectory() + "ekyc-server-" + UUID().uuidString.prefix(8) + ".sock"
            let fd = try ListenAddress.unix(path: path).open()
            server = FastCGIServer(listenFD: fd, workers: workers, maxBodyBytes: 1 << 20, makeHandler: { handler })
            let (server, stopper, done) = (server, stopper, done)
            Thread {
                try? server.serve { stop in stopper.set(stop) }
                close(fd)
                done.signal()
            }.start()
            #expect(FastCGIServerTests.eventually { stopper.isSet })
        }

        func stop() {
            stopper.call()
            done.wait()
            unlink(path)
        }
    }

    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<10_000 {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }

    private func eventually(_ condition: () -> Bool) -> Bool { Self.eventually(condition) }

    @Test func garbageOnOneConnectionLeavesTheNextToTheServersOwnAccept() throws {
        let running = try Running(workers: 1) { HTTPResponse(status: 200, text: "path \($0.path)") }
        defer { running.stop() }
        let garbage = try FastCGIClient(path: running.path)
        garbage.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        garbage.close()
        let answer = try FastCGIClient(path: running.path).request(["DOCUMENT_URI": "/next", "REQUEST_METHOD": "GET"])
        #expect(answer.hasPrefix("Status: 200 OK\r\n") && answer.hasSuffix("path /next"))
        // Both connections came through ConnectionAccept: libfcgi did not accept the second itself.
        #expect(running.server.acceptedConnections.load(ordering: .relaxed) == 2)
    }

    @Test func sequentialRequestsUseOneOrTwoWorkersConcurrentOnesMore() throws {
        let concurrent = 6
        let arrived = Atomic<Int>(0)
        let running = try Running(workers: 256) { request in
            if request.path == "/hold" {
                // Held until every concurrent request is in a worker.
                arrived.add(1, ordering: .relaxed)
                for _ in 0..<10_000 where arrived.load(ordering: .relaxed) < concurrent { usleep(1_000) }
            }
            return HTTPResponse(status: 200, text: "ok")
        }
        defer { running.stop() }
        for _ in 0..<20 {
            let answer = try FastCGIClient(path: running.path).request(["DOCUMENT_URI": "/one"])
            #expect(answer.hasSuffix("ok"))
        }
        #expect((1...2).contains(running.server.threads.startedCount))

        let answered = Atomic<Int>(0)
        let path = running.path
        for _ in 0..<concurrent {
            Thread {
                if let answer = try? FastCGIClient(path: path).request(["DOCUMENT_URI": "/hold"]), answer.hasSuffix("ok") {
                    answered.add(1, ordering: .relaxed)
                }
            }.start()
        }
        #expect(eventually { answered.load(ordering: .relaxed) == concurrent })
        #expect(running.server.threads.startedCount >= concurrent)
        #expect(running.server.threads.startedCount <= concurrent + 2)
    }
}

final class Stopper: @unchecked Sendable {
    private let lock = NSLock()
    private var stop: (@Sendable () -> Void)?
    func set(_ stop: @escaping @Sendable () -> Void) { lock.withLock { self.stop = stop } }
    var isSet: Bool { lock.withLock { stop != nil } }
    func call() { lock.withLock { stop }?() }
}

/// A FastCGI client for one request per connection, as nginx speaks: BEGIN_REQUEST, PARAMS,
/// an empty STDIN; the answer is the STDOUT records up to END_REQUEST.
struct FastCGIClient {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    func close() { Glibc.close(fd) }

    /// Sends one request and returns its STDOUT as text; closes the connection.
    func request(_ params: [String: String]) -> String {
        defer { close() }
        func record(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
            [1, type, 0, 1, UInt8(body.count >> 8), UInt8(body.count & 0xff), 0, 0] + body
        }
        func length(_ n: Int) -> [UInt8] {
            n < 128 ? [UInt8(n)] : [UInt8(0x80 | (n >> 24)), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
        }
        var encoded: [UInt8] = []
        for (key, value) in params {
            encoded += length(key.utf8.count) + length(value.utf8.count) + Array(key.utf8) + Array(value.utf8)
        }
        send(record(1, [0, 1, 0, 0, 0, 0, 0, 0]) + record(4, encoded) + record(4, []) + record(5, []))
        var received: [UInt8] = []
        var stdout: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            while received.count >= 8 {
                let size = Int(received[4]) << 8 | Int(received[5])
                let total = 8 + size + Int(received[6])
                guard received.count >= total else { break }
                if received[1] == 6 { stdout += received[8..<(8 + size)] }
                if received[1] == 3 { return String(decoding: stdout, as: UTF8.self) }
                received.removeFirst(total)
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return String(decoding: stdout, as: UTF8.self) }
            received += buffer[..<n]
        }
    }
}
