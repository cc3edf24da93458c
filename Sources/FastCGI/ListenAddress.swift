#if canImport(Glibc)
import Glibc
#endif
import CFastCGI

/// Where a FastCGI server listens: `unix:PATH` or `HOST:PORT` (loopback by default).
public enum ListenAddress: Equatable, Sendable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    /// Parses `unix:/run/ekyc/start.sock`, `127.0.0.1:9000` or `:9000` (= 127.0.0.1:9000).
    public init(parsing text: String) throws(ServerError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw .badListenAddress(text) }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { throw .badListenAddress(text) }
        let host = String(text[..<colon])
        self = .tcp(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }

    /// Whether only this machine can connect: a unix socket, or TCP on 127.0.0.0/8, `::1` or
    /// `localhost`. IPv4 counts only in plain dotted decimal: libfcgi hands the host to
    /// `inet_addr`, which reads `0127.0.0.1` as octal (87.0.0.1) and `127.1` as a short form, so
    /// those, `0.0.0.0`, `*` and any other name count as remote.
    public var isLoopback: Bool {
        switch self {
        case .unix: return true
        case .tcp(let host, _):
            if ["localhost", "::1", "[::1]"].contains(host) { return true }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4 else { return false }
            let values = octets.map { octet -> Int? in
                guard (1...3).contains(octet.count), octet.allSatisfy(\.isASCII), octet.allSatisfy(\.isNumber),
                      octet == "0" || octet.first != "0", let value = Int(octet), value <= 255 else { return nil }
                return value
            }
            return values.allSatisfy { $0 != nil } && values[0] == 127
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): "\(host):\(port)"
        }
    }

    /// Whether a process accepts on the unix socket at `path`: a connect that is not refused.
    static func isServed(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        // A full backlog (EAGAIN) is a live listener too; refused or gone is a file left behind.
        return connected == 0 || errno == EAGAIN || errno == EINPROGRESS
    }

    /// The kernel caps the backlog at net.core.somaxconn; a short queue would turn a burst of
    /// connections from nginx into 502s while every worker is waiting on the API.
    public static let SOMAXCONN: Int32 = 4096

    /// Opens the listening socket through libfcgi. `mode` (e.g. 0o660) and `owner` are applied
    /// to a unix socket so the web server's user can connect.
    public func open(backlog: Int32 = SOMAXCONN, mode: UInt32? = nil, owner: SocketOwner? = nil) throws(ServerError) -> Int32 {
        if FCGX_Init() != 0 { throw .libraryInit }
        switch self {
        case .unix(let path):
            // A socket file left by a killed process would make bind fail with EADDRINUSE; one a
            // live process still serves is not ours to take (nginx would lose it mid-request).
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK {
                if Self.isServed(path) { throw .socketInUse(path) }
                unlink(path)
            }
            // Created with its final mode: a chmod after bind leaves a moment in which the web
            // server's workers are refused (EACCES) by a socket that already accepts.
            let previous = mode.map { umask(mode_t(~$0 & 0o777)) }
            let fd = FCGX_OpenSocket(path, backlog)
            let openError = errno
            if let previous { umask(previous) }
            guard fd >= 0 else { throw .cannotListen(description, errno: openError) }
            if let mode, chmod(path, mode_t(mode)) != 0 { throw .cannotListen(description, errno: errno) }
            try owner?.apply(to: path)
            return fd
        case .tcp(let host, let port):
            let fd = FCGX_OpenSocket("\(host):\(port)", backlog)
            guard fd >= 0 else { throw .cannotListen(description, errno: errno) }
            return fd
        }
    }
}
