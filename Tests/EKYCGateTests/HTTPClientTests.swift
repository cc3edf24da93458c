import Foundation
import Testing
import HTTPClient

/// A plain HTTP/1.1 server on a free loopback port that echoes each POST body back, keeping the
/// connection alive; a body of "hang" gets no answer (for deadlines). One thread per connection.
final class EchoServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var _connections = 0
    var connections: Int { lock.withLock { _connections } }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 512) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { close(listener) }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            lock.withLock { _connections += 1 }
            Thread.detachNewThread { Self.serve(fd) }
        }
    }

    private static func serve(_ fd: Int32) {
        defer { close(fd) }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            // Headers, then Content-Length bytes of body.
            var headerEnd: Int?
            while headerEnd == nil {
                headerEnd = pending.indices.dropLast(3).first { pending[$0..<$0 + 4] == [13, 10, 13, 10] }
                if headerEnd == nil {
                    let n = read(fd, &chunk, chunk.count)
                    guard n > 0 else { return }
                    pending += chunk[0..<n]
                }
            }
            let head = String(decoding: pending[0..<headerEnd!], as: UTF8.self).lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            while pending.count < headerEnd! + 4 + length {
                let n = read(fd, &chunk, chunk.count)
                guard n > 0 else { return }
                pending += chunk[0..<n]
            }
            let body = Array(pending[headerEnd! + 4..<headerEnd! + 4 + length])
            pending.removeFirst(headerEnd! + 4 + length)
            if body == Array("hang".utf8) { sleep(5); return }
            let answer = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Echo: yes\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
            guard answer.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == answer.count else { return }
        }
    }
}

@Suite struct HTTPClientTests {
    @Test func concurrentCallsEachGetTheirOwnAnswerAndShareConnections() throws {
        let server = try EchoServer()
        let url = "http://127.0.0.1:\(server.port)/"
        let workers = 48, callsEach = 20
        let failures = NSLock(), mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            guard let client = try? HTTPClient(options: HTTPClientOptions()) else { failures.withLock { mismatches.add("client") }; return }
            for call in 0..<callsEach {
                let body = Array("worker \(worker) call \(call) ".utf8) + [UInt8](repeating: UInt8(call), count: worker * 100)
                do {
                    let answer = try client.post(url: url, headers: [("Content-Type", "text/plain")], body: body)
                    if answer.status != 200 || answer.body != body || answer.headers["x-echo"] != "yes" {
                        failures.withLock { mismatches.add("worker \(worker) call \(call): status \(answer.status), \(answer.body.count) of \(body.count) bytes, headers \(answer.headers)") }
                    }
                } catch {
                    failures.withLock { mismatches.add("worker \(worker) call \(call): \(error)") }
                }
            }
        }
        let problems = mismatches.items
        #expect(problems.isEmpty, "\(problems.count) calls went wrong, the first: \(problems.prefix(3))")
        // Connections are the multi's, kept alive across calls: never one per call.
        #expect(server.connections <= workers)
    }

    @Test func aHungCallTimesOutWithoutHoldingUpTheOthers() throws {
        let server = try EchoServer()
        let url = "http://127.0.0.1:\(server.port)/"
        let fast = try HTTPClient(options: HTTPClientOptions())
        let hung = Mismatches()
        let started = Date()
        let thread = Thread {
            do {
                let slow = try HTTPClient(options: HTTPClientOptions(totalTimeoutMilliseconds: 700))
                _ = try slow.post(url: url, headers: [], body: Array("hang".utf8))
                hung.add("answered")
            } catch let error as HTTPClientError {
                hung.add(error.kind == .timeout ? "timeout" : "\(error)")
            } catch {
                hung.add("\(error)")
            }
        }
        thread.start()
        for call in 0..<20 {
            let answer = try fast.post(url: url, headers: [], body: Array("call \(call)".utf8))
            #expect(answer.body == Array("call \(call)".utf8))
        }
        while hung.items.isEmpty { usleep(10_000) }
        #expect(hung.items == ["timeout"])
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test func aRefusedConnectionIsANetworkErrorNotSent() throws {
        let client = try HTTPClient(options: HTTPClientOptions(connectTimeoutMilliseconds: 500))
        // Port 1 on loopback: nothing listens there.
        #expect(throws: HTTPClientError.self) { try client.post(url: "http://127.0.0.1:1/", headers: [], body: []) }
        do {
            _ = try client.post(url: "http://127.0.0.1:1/", headers: [], body: [])
        } catch {
            #expect(error.kind == .network && error.requestNotSent)
        }
    }
}

final class Mismatches: @unchecked Sendable {
    private let lock = NSLock()
    private var _items: [String] = []
    var items: [String] { lock.withLock { _items } }
    func add(_ item: String) { lock.withLock { _items.append(item) } }
}
