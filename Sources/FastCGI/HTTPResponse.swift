/// What a handler answers: status, headers, body, plus fields for the request log line
/// (token hash prefix, Tencent RequestId, …) that never reach the client.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var logFields: [(key: String, value: String)]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                logFields: [(key: String, value: String)] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.logFields = logFields
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], text: String) {
        self.init(status: status, headers: headers, body: Array(text.utf8))
    }

    /// The CGI response head: `Status:`, headers, blank line. CR and LF are removed from
    /// names and values, so nothing a handler copies from input can inject a header.
    public func cgiHead() -> String {
        var head = "Status: \(status) \(HTTPStatus.reason(status))\r\n"
        var hasLength = false
        for (name, value) in headers {
            let cleanName = Self.removing(["\r", "\n", ":"], from: name)
            let cleanValue = Self.removing(["\r", "\n"], from: value)
            if cleanName.lowercased() == "content-length" { hasLength = true }
            head += "\(cleanName): \(cleanValue)\r\n"
        }
        if !hasLength { head += "Content-Length: \(body.count)\r\n" }
        return head + "\r\n"
    }

    // By scalar: "\r\n" is one Character in Swift, so a Character filter would miss it.
    private static func removing(_ scalars: Set<Unicode.Scalar>, from text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: text.unicodeScalars.filter { !scalars.contains($0) })
        return String(out)
    }
}

/// Reason phrases for the statuses the handlers use.
public enum HTTPStatus {
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 204: "No Content"
        case 302: "Found"
        case 303: "See Other"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 410: "Gone"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}
