/// What a handler answers: status, headers, body, plus fields for the request log line
/// (token hash prefix, Tencent RequestId, …) that never reach the client.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var logFields: [LogField]
    /// What an error answer says, kept typed beside its rendered body: the log line takes its
    /// code (`error=`), the status page counts it, and the application renders the body again
    /// with the request's id when the error was made where the id was not at hand.
    public var error: ErrorDetail?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                logFields: [LogField] = []) {
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
        String(decoding: cgiHeadBytes(), as: UTF8.self)
    }

    /// The CGI head as bytes. CR and LF are dropped from names and values, and ':' from names,
    /// so no value can start a header of its own; byte by byte, which is exact in UTF-8 (no
    /// multi-byte sequence contains an ASCII byte) and cheap enough for every answer.
    public func cgiHeadBytes() -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(256)
        head += "Status: \(status) \(HTTPStatus.reason(status))\r\n".utf8
        var hasLength = false
        for (name, value) in headers {
            let start = head.count
            head += name.utf8.lazy.filter { $0 != 13 && $0 != 10 && $0 != UInt8(ascii: ":") }
            if Self.equalsIgnoringASCIICase(head[start...], "content-length") { hasLength = true }
            head += ": ".utf8
            head += value.utf8.lazy.filter { $0 != 13 && $0 != 10 }
            head += "\r\n".utf8
        }
        if !hasLength { head += "Content-Length: \(body.count)\r\n".utf8 }
        head += "\r\n".utf8
        return head
    }

    private static func equalsIgnoringASCIICase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return zip(bytes, UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount))
            .allSatisfy { ($0 | 0x20) == $1 || $0 == $1 }
    }
}

/// An error answer's parts: a stable code for programs, a message for people, and the id
/// support looks the request up by.
public struct ErrorDetail: Sendable, Equatable {
    public var code: String
    public var message: String
    /// Tencent's RequestId when the error came from its API, else the request's own id; nil
    /// until the handler that answers knows it.
    public var requestId: String?

    public init(code: String, message: String, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.requestId = requestId
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
