/// An absolute http(s) URL in the one strict form the handlers accept, split into the parts
/// they check.
///
/// A browser's URL parser forgives a lot: it reads `\` as `/`, drops tabs and newlines,
/// decodes `%2e` in a host, maps Unicode dots such as `。` to `.`, lower-cases, skips userinfo
/// before `@`, and ignores a trailing dot. Each forgiveness is a way to make the host this code
/// checks differ from the host the browser then visits (`https://evil.example\.faceid.qq.com/`
/// is `evil.example` to Chromium). So only the form on which every parser agrees is accepted:
///
///     url    = scheme "://" host [":" port] [rest]
///     scheme = "https" / "http"                           lower case
///     host   = label *("." label)                         at most 253 bytes
///     label  = 1*63( a-z / 0-9 / "-" )                    not starting or ending with "-"
///     port   = 1-65535 in decimal, without leading zeros
///     rest   = ( "/" / "?" / "#" ) *( visible ASCII except "\" )
///
/// Anything else (userinfo, percent-escapes or upper case in the host, IP-literal brackets,
/// spaces, controls, non-ASCII bytes, a backslash anywhere) is refused with the rule it broke.
public struct AbsoluteURL: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int?
    /// Path, query and fragment as given (starts with `/`, `?` or `#`), or empty.
    public var rest: String

    public static let maxHostBytes = 253
    public static let maxLabelBytes = 63

    /// The URL when `text` is in the accepted form, else nil.
    public init?(_ text: String) {
        guard let url = try? AbsoluteURL(parsing: text) else { return nil }
        self = url
    }

    /// Parses `text`, or says which rule of the grammar it breaks.
    public init(parsing text: String) throws(URLRefusal) {
        let bytes = Array(text.utf8)
        if let index = bytes.firstIndex(where: { $0 <= 0x20 || $0 >= 0x7f }) {
            throw URLRefusal("has a space, control character or non-ASCII byte at byte \(index); browsers drop or rewrite those")
        }
        if bytes.contains(UInt8(ascii: "\\")) {
            throw URLRefusal("contains a backslash, which browsers read as '/'")
        }
        let scheme: String
        if bytes.starts(with: Array("https://".utf8)) {
            scheme = "https"
        } else if bytes.starts(with: Array("http://".utf8)) {
            scheme = "http"
        } else {
            throw URLRefusal("must start with https:// or http:// in lower case")
        }
        let afterScheme = bytes[(scheme.utf8.count + 3)...]
        let authorityEnd = afterScheme.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        if authority.contains(UInt8(ascii: "@")) {
            throw URLRefusal("has userinfo (user@host); a browser would visit the host after the '@'")
        }
        var hostBytes = authority
        var port: Int?
        if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            port = try Self.port(authority[(colon + 1)...])
            hostBytes = authority[..<colon]
        }
        try Self.checkHost(hostBytes)
        self.scheme = scheme
        self.host = String(decoding: hostBytes, as: UTF8.self)
        self.port = port
        self.rest = String(decoding: bytes[authorityEnd...], as: UTF8.self)
    }

    public var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }

    /// `scheme://host[:port]`, as written.
    public var origin: String { "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") }

    private static func port(_ digits: ArraySlice<UInt8>) throws(URLRefusal) -> Int {
        guard !digits.isEmpty, digits.count <= 5, digits.first != UInt8(ascii: "0"),
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let number = Int(String(decoding: digits, as: UTF8.self)), number <= 65535 else {
            throw URLRefusal("has a port that is not a decimal number from 1 to 65535 without leading zeros")
        }
        return number
    }

    private static func checkHost(_ host: ArraySlice<UInt8>) throws(URLRefusal) {
        guard !host.isEmpty else { throw URLRefusal("has no host") }
        guard host.count <= maxHostBytes else { throw URLRefusal("has a host longer than \(maxHostBytes) bytes") }
        let isLabelByte = { (byte: UInt8) in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-")
        }
        for label in host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty else { throw URLRefusal("has a host with an empty label (a leading, trailing or doubled dot)") }
            guard label.count <= maxLabelBytes else { throw URLRefusal("has a host label longer than \(maxLabelBytes) bytes") }
            if let bad = label.first(where: { !isLabelByte($0) }) {
                throw URLRefusal("has '\(Character(Unicode.Scalar(bad)))' in its host, which may hold only lower-case letters, digits, '-' and '.'")
            }
            guard label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else {
                throw URLRefusal("has a host label that starts or ends with '-'")
            }
        }
    }
}

/// Why a text is not an `AbsoluteURL`: the rule of the grammar it breaks.
public struct URLRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// An allowed origin such as `https://*.faceid.qq.com` (any subdomain) or `http://localhost:8081`.
public struct OriginPattern: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var wildcardSubdomain: Bool
    public var port: Int

    public init?(_ text: String) {
        guard let pattern = try? OriginPattern(parsing: text) else { return nil }
        self = pattern
    }

    /// Parses `scheme://[*.]host[:port][/]`, with the host in `AbsoluteURL`'s strict form.
    public init(parsing text: String) throws(URLRefusal) {
        var trimmed = text
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        let wildcard = trimmed.firstUTF8Range(of: "://*.")
        if let wildcard { trimmed.replaceSubrange(wildcard, with: "://") }
        let url = try AbsoluteURL(parsing: trimmed)
        guard url.rest.isEmpty else { throw URLRefusal("has a path, query or fragment; an origin has none") }
        scheme = url.scheme
        host = url.host
        wildcardSubdomain = wildcard != nil
        port = url.effectivePort
    }

    /// Same scheme and port, and the same host (or, for `*.`, a host below it). Hosts are
    /// compared as parsed, so this is only as safe as `AbsoluteURL`'s grammar: with empty
    /// labels refused there, the suffix `.faceid.qq.com` cannot be met by `.faceid.qq.com` itself.
    public func matches(_ url: AbsoluteURL) -> Bool {
        guard url.scheme == scheme, url.effectivePort == port else { return false }
        if wildcardSubdomain { return url.host.hasSuffix("." + host) }
        return url.host == host
    }

    public var description: String { "\(scheme)://\(wildcardSubdomain ? "*." : "")\(host):\(port)" }
}
