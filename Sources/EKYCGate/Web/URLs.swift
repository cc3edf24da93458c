/// An absolute http(s) URL split into the parts the handlers check.
public struct AbsoluteURL: Sendable, Equatable {
    public var scheme: String
    /// Lower-cased host, without port.
    public var host: String
    public var port: Int?
    public var rest: String

    public init?(_ text: String) {
        guard let schemeEnd = text.firstRange(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let hasControlOrSpace = text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7f }
        guard !authority.isEmpty, !authority.contains("@"), !hasControlOrSpace else { return nil }
        var host = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            port = number
            host = authority[..<colon]
        }
        guard !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.rest = String(afterScheme[authorityEnd...])
    }

    public var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }
}

/// An allowed origin such as `https://*.faceid.qq.com` (any subdomain) or `http://localhost:8081`.
public struct OriginPattern: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var wildcardSubdomain: Bool
    public var port: Int

    public init?(_ text: String) {
        var trimmed = text
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        let wildcard = trimmed.contains("://*.")
        guard let url = AbsoluteURL(trimmed.replacingFirst("://*.", with: "://")), url.rest.isEmpty else { return nil }
        scheme = url.scheme
        host = url.host
        wildcardSubdomain = wildcard
        port = url.effectivePort
    }

    public func matches(_ url: AbsoluteURL) -> Bool {
        guard url.scheme == scheme, url.effectivePort == port else { return false }
        if wildcardSubdomain { return url.host.hasSuffix("." + host) }
        return url.host == host
    }

    public var description: String { "\(scheme)://\(wildcardSubdomain ? "*." : "")\(host):\(port)" }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
