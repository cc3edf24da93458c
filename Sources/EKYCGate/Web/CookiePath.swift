public import FastCGI

/// The `Path` of the session cookie and its `<cookie_name>_token` companion: the browser sends
/// them back only to URLs under it, so it must cover the callback's URL. Unset (the default),
/// it is the directory of the URL ekyc-start was reached at: `/ekyc` for `/ekyc/start` (as
/// nginx's snippet serves it), `/~alice/ekyc` for `/~alice/ekyc/start` (Apache's userdir),
/// so the callback beside it is covered wherever the web server puts the pair.
public struct CookiePath: Sendable, Equatable {
    /// `cookie_path` as configured; nil derives it from each start request.
    public var fixed: String?

    public static let configKeys: Set<String> = ["cookie_path"]
    public static let derived = CookiePath(fixed: nil)

    public init(fixed: String?) {
        self.fixed = fixed
    }

    /// The path a cookie set in answer to `request` (a start) carries.
    public func path(for request: HTTPRequest) -> String {
        if let fixed { return fixed }
        return Self.directory(of: request.path)
    }

    /// Whether a browser sends a cookie of `cookiePath` with a request for `path`: RFC 6265's
    /// path-match (the same path, or below it at a `/`).
    public static func covers(_ cookiePath: String, _ path: String) -> Bool {
        guard path.hasPrefix(cookiePath) else { return false }
        return path.count == cookiePath.count || cookiePath.hasSuffix("/") || path.dropFirst(cookiePath.count).hasPrefix("/")
    }

    /// The request path without its last segment (`/ekyc/start` → `/ekyc`, `/start` → `/`).
    /// A path the cookie attribute could not carry as it is (`;`, spaces, other bytes a web
    /// server decoded) gives `/`: wider, never a broken or injected `Set-Cookie`.
    static func directory(of path: String) -> String {
        guard path.hasPrefix("/"), path.utf8.allSatisfy(isSafe), let slash = path.lastIndex(of: "/") else { return "/" }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "%"): true
        default: false
        }
    }
}

extension CookiePath {
    public init(config file: ConfigFile) throws(ConfigError) {
        guard let value = file.optionalString("cookie_path") else {
            self = .derived
            return
        }
        guard value.hasPrefix("/"), value.utf8.allSatisfy(Self.isSafe) else {
            throw ConfigError("\(file.origin(of: "cookie_path")): cookie_path must be a URL path such as /ekyc or / (letters, digits, / - _ . ~ %); it must cover the callback's URL")
        }
        self.init(fixed: value)
    }
}
