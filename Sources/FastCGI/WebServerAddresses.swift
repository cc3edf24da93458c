#if canImport(Glibc)
import Glibc
#endif

/// `FCGI_WEB_SERVER_ADDRS`, libfcgi's client filter: the comma-separated addresses allowed to
/// connect over TCP. Unset or empty allows every peer; a peer on a Unix socket is always allowed.
///
/// libfcgi compares IPv4 peers only and lets any IPv6 peer through; here an IPv6 peer must be
/// listed too (an IPv4-mapped one, `::ffff:a.b.c.d`, matches `a.b.c.d`).
struct WebServerAddresses: Sendable {
    /// Raw addresses in network order: 4 bytes for IPv4, 16 for IPv6; nil when unrestricted.
    private let allowed: [[UInt8]]?

    init(_ list: String?) {
        let entries = (list ?? "").split(separator: ",").map { $0.filter { $0 != " " && $0 != "\t" } }.filter { !$0.isEmpty }
        // An entry that is no address allows nobody, as in libfcgi (inet_addr fails to match).
        allowed = entries.isEmpty ? nil : entries.compactMap { Self.parse(String($0)) }
    }

    static func fromEnvironment() -> WebServerAddresses {
        WebServerAddresses(getenv("FCGI_WEB_SERVER_ADDRS").map { String(cString: $0) })
    }

    /// Whether a peer, as `accept` filled in its address, may talk to this server.
    func allows(_ peer: sockaddr_storage) -> Bool {
        guard let allowed else { return true }
        let family = Int32(peer.ss_family)
        let bytes: [UInt8] = withUnsafeBytes(of: peer) { raw in
            switch family {
            case AF_INET:
                let address = raw.load(as: sockaddr_in.self).sin_addr
                return withUnsafeBytes(of: address) { Array($0) }
            case AF_INET6:
                let address = raw.load(as: sockaddr_in6.self).sin6_addr
                let all = withUnsafeBytes(of: address) { Array($0) }
                let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff]
                return Array(all.prefix(12)) == mappedPrefix ? Array(all.suffix(4)) : all
            default:
                return []
            }
        }
        if bytes.isEmpty { return true }   // AF_UNIX
        return allowed.contains(bytes)
    }

    private static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }
}
