#if canImport(Glibc)
import Glibc
#endif

/// Accepts the workers' connections, as libfcgi's `OS_Accept` would (TCP_NODELAY, the
/// `FCGI_WEB_SERVER_ADDRS` filter), so that the worker holding the accept turn gives it up as
/// soon as it has a connection. Left to `FCGX_Accept_r`, the accept and the reading of the
/// request's params are one call: a peer that connected and sent nothing held the turn, and
/// every other worker with it.
enum ConnectionAccept {
    /// How long a connection may keep a worker waiting for its next bytes: nginx sends a
    /// request's params and (buffered) body at once, so only a stalled peer ever hits this.
    /// The snippet's `fastcgi_read_timeout` is the same.
    static let receiveTimeoutSeconds = 30

    /// The next connection from an allowed peer, or nil once the listening socket is shut down
    /// (the server is stopping) or unusable.
    static func next(listenFD: Int32, allowed: WebServerAddresses) -> Int32? {
        while true {
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listenFD, $0, &length) }
            }
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: libfcgi would end the worker (and, one by one,
                    // all of them). Answers in flight free descriptors; try again shortly.
                    usleep(100_000)
                    continue
                default:
                    return nil
                }
            }
            let family = Int32(peer.ss_family)
            if family == AF_INET || family == AF_INET6 {
                // Nothing is sent after a reply's last write, so Nagle would only add a delay.
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                guard allowed.allows(peer) else {
                    close(fd)
                    continue
                }
            }
            var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            return fd
        }
    }

    /// True when the peer closed a new connection without sending a byte: a port probe or a
    /// health check, closed here without a log line. Waits for the first bytes (up to the
    /// receive timeout), which a web server sends at once.
    static func closedUnused(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        while true {
            let got = recv(fd, &byte, 1, Int32(MSG_PEEK))
            if got < 0 && errno == EINTR { continue }
            return got == 0
        }
    }
}
