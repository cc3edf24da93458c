/// A failure the sandbox injects into an API answer, for testing clients and benchmarks:
/// set for every request by config (`fault = …`) or per request by the `X-Sandbox-Fault` header.
public enum Fault: Sendable, Equatable, CustomStringConvertible {
    /// Wait this many milliseconds, then answer normally.
    case latency(milliseconds: Int)
    /// HTTP 500 with a plain-text body (the SDKs report a network error).
    case http500
    /// HTTP 200 `application/json` whose body is not JSON.
    case nonJSON
    /// The normal answer cut in half while `Content-Length` announces all of it: the connection
    /// ends early, as when an upstream dies mid-answer.
    case truncate
    /// `RequestLimitExceeded`, as if the rate limit had been hit.
    case rateLimit
    /// `InternalError`.
    case internalError
    /// No answer at all: the connection is closed. A FastCGI app cannot close the client's
    /// connection itself, so it asks nginx to (`X-Accel-Redirect` to an internal location that
    /// does `return 444`; see the demo's nginx config).
    case reset
    /// Apply succeeds but answers this VerificationURL instead of the page's, verbatim, so a
    /// test can check that the handlers refuse to send a browser to a hostile one. Other
    /// actions answer normally.
    case verificationURL(String)

    public static let headerName = "X-Sandbox-Fault"
    /// The internal nginx location that closes the connection for `reset`.
    public static let resetLocation = "/sandbox-reset"
    /// The start of an `Extra` that names a fault: `sandbox-fault:apply:…` or `sandbox-fault:get:…`.
    public static let extraMarker = "sandbox-fault:"
    public static let maxLatencyMilliseconds = 60_000
    public static let syntax = "latency=MS (0-60000), http500, nonjson, truncate, ratelimit, internal, reset, verification_url=URL"
    static let verificationURLPrefix = "verification_url="

    /// Parses `latency=500`, `http500`, `nonjson`, `truncate`, `ratelimit`, `internal`, `reset`,
    /// `verification_url=URL`.
    public init?(parsing text: String) {
        // The URL is taken byte for byte (case, spaces, controls and all): the hostile forms
        // are what the fault is for.
        if let start = text.utf8.firstIndex(where: { $0 != 32 && $0 != 9 }),
           text[start...].lowercased().hasPrefix(Self.verificationURLPrefix) {
            self = .verificationURL(String(text[start...].dropFirst(Self.verificationURLPrefix.count)))
            return
        }
        let value = text.trimmedASCII().lowercased()
        if value.hasPrefix("latency=") {
            guard let ms = Int(value.dropFirst(8)), (0...Self.maxLatencyMilliseconds).contains(ms) else { return nil }
            self = .latency(milliseconds: ms)
            return
        }
        switch value {
        case "http500": self = .http500
        case "nonjson": self = .nonJSON
        case "truncate": self = .truncate
        case "ratelimit": self = .rateLimit
        case "internal": self = .internalError
        case "reset": self = .reset
        default: return nil
        }
    }
}

extension Fault {
    /// The value as written in config or header, e.g. `latency=500`.
    public var description: String {
        switch self {
        case .latency(let ms): "latency=\(ms)"
        case .http500: "http500"
        case .nonJSON: "nonjson"
        case .truncate: "truncate"
        case .rateLimit: "ratelimit"
        case .internalError: "internal"
        case .reset: "reset"
        case .verificationURL(let url): Self.verificationURLPrefix + url
        }
    }
}

extension String {
    fileprivate func trimmedASCII() -> String {
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { $0 != 32 && $0 != 9 }),
              let last = bytes.lastIndex(where: { $0 != 32 && $0 != 9 }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
