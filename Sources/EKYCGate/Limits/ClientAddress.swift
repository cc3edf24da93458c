public import FastCGI

/// The address a client's fair share is counted by. `REMOTE_ADDR` is the peer nginx saw;
/// only when that peer is a configured trusted proxy does `X-Forwarded-For` count, read from
/// the right (the entries the trusted proxies appended) to the first address that is not one
/// of them: everything left of that was written by the client and may be forged.
/// An IPv6 client is counted by its /64, since one host has a whole /64 to choose from.
public enum ClientAddress {
    public static func of(_ request: HTTPRequest, trustedProxies: [AddressPattern]) -> String {
        let remote = (request.params["REMOTE_ADDR"] ?? "").trimmed()
        var client = remote
        if !trustedProxies.isEmpty, trustedProxies.contains(where: { $0.matches(remote) }),
           let forwarded = request.header("X-Forwarded-For") {
            for hop in forwarded.split(separator: ",").reversed() {
                let address = String(hop).trimmed()
                guard !address.isEmpty else { continue }
                client = address
                if !trustedProxies.contains(where: { $0.matches(address) }) { break }
            }
        }
        return shareKey(client)
    }

    /// The key a share is counted under: IPv4 as is, IPv6 by its first four groups.
    static func shareKey(_ address: String) -> String {
        guard address.contains(":") else { return address.isEmpty ? "-" : address }
        var groups = address.lowercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let gap = groups.firstIndex(of: ""), address.contains("::") {
            let present = groups.filter { !$0.isEmpty }
            let missing = max(0, 8 - present.count)
            let before = groups[..<gap].filter { !$0.isEmpty }
            let after = groups[groups.index(after: gap)...].filter { !$0.isEmpty }
            groups = before + Array(repeating: "0", count: missing) + after
        }
        return groups.prefix(4).map { String($0.drop { $0 == "0" }).isEmpty ? "0" : String($0.drop { $0 == "0" }) }
            .joined(separator: ":") + "::/64"
    }
}
