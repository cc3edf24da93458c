#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Connections the web server asked to keep open (`FCGI_KEEP_CONN`: nginx's `fastcgi_keep_conn`
/// with an upstream `keepalive`), each held by the worker that served its last request, which
/// waits on it for the next one instead of taking its turn to accept.
///
/// Per request that saves the accept, the hand-over of the accept turn, the lingering close and
/// nginx's socket, connect and close, on both sides (the CPU it saves is in docs/BENCHMARKS.md,
/// "How the figures moved").
///
/// A waiting worker serves nobody else, so at most half the workers wait on kept connections;
/// beyond that a connection is closed after its request, and nginx opens another when it needs
/// one. A kept connection idle for `idleSeconds`, or closed by nginx, gives its worker back.
final class KeptConnections: @unchecked Sendable {
    /// Longer than the snippet's upstream `keepalive_timeout` (20 s), so that nginx, which knows
    /// when it will next use a connection, is the side that closes an idle one.
    static let idleSeconds: Int32 = 30

    let maxWaiting: Int
    private let waiting = Atomic<Int>(0)
    /// Read end of a pipe whose write end `stop()` closes: it then polls readable for every
    /// waiting worker at once.
    private let stopRead: Int32
    private var stopWrite: Int32
    private let stopped = Atomic<Bool>(false)

    init(workers: Int) throws(ServerError) {
        maxWaiting = max(1, workers / 2)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .outOfDescriptors(errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        (stopRead, stopWrite) = (ends[0], ends[1])
    }

    /// Whether the worker that just answered on a connection nginx wants kept may keep it. A
    /// true answer counts the worker as waiting until `awaitNextRequest` returns, or `release`
    /// when the connection is closed after all.
    func mayKeep() -> Bool {
        guard !stopped.load(ordering: .acquiring) else { return false }
        if waiting.add(1, ordering: .relaxed).newValue <= maxWaiting { return true }
        waiting.subtract(1, ordering: .relaxed)
        return false
    }

    /// Waits on a kept connection for its next request. True when one is there to be read;
    /// false when nginx closed it, it stayed idle too long or the server stops (the caller then
    /// closes it).
    func awaitNextRequest(on fd: Int32) -> Bool {
        defer { release() }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, Self.idleSeconds * 1000)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0, fds[1].revents == 0, fds[0].revents & Int16(POLLIN) != 0 else { return false }
            // Readable also means closed: a kept connection's end is an EOF where a request would be.
            var byte: UInt8 = 0
            return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
        }
    }

    func release() { waiting.subtract(1, ordering: .relaxed) }

    /// Wakes every waiting worker and keeps connections from being kept from now on.
    func stop() {
        stopped.store(true, ordering: .releasing)
        if stopWrite >= 0 {
            close(stopWrite)
            stopWrite = -1
        }
    }
}
