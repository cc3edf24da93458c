public import FastCGI

/// The JSON answers both handlers give: the error shape of DESIGN.md, and plain JSON.
public enum Answers {
    public static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status,
                     headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")] + headers,
                     body: value.bytes)
    }

    /// `{"error": {"code", "message", "requestId"}}`. `code` is stable for programs; `message`
    /// says what went wrong and what to do, and never holds a secret, a full token or an image.
    /// `requestId` is Tencent's RequestId when the error came from its API; without one the
    /// handler's entry gives the answer the request's own id (`identified`).
    public static func error(_ status: Int, code: String, message: String, requestId: String? = nil,
                             headers: [(name: String, value: String)] = []) -> HTTPResponse {
        var response = json(status, body(ErrorDetail(code: code, message: message, requestId: requestId)), headers: headers)
        response.error = ErrorDetail(code: code, message: message, requestId: requestId)
        if let requestId { response.logFields.append(LogField("tc_request", requestId)) }
        return response
    }

    private static func body(_ error: ErrorDetail) -> JSONValue {
        .object([("error", .object([
            ("code", .string(error.code)), ("message", .string(error.message)), ("requestId", .optional(error.requestId)),
        ]))])
    }
}

extension Answers {
    /// The store (or the limiter beside it) could not be reached: logged as `event`, answered 503
    /// with `Retry-After`, since a store outage usually passes in seconds. `message` says what was
    /// not done.
    public static func storeUnavailable(_ error: StoreError, message: String, requestId: String? = nil,
                                        event: String = "store_error") -> HTTPResponse {
        LogLine(event: event, ("error", error.description)).write()
        return Answers.error(503, code: "store_unavailable", message: message, requestId: requestId, headers: [("Retry-After", "2")])
    }
}

/// A request refused before any work: the error answer travels as a `Result` failure.
struct Refusal: Error {
    var response: HTTPResponse
    init(_ status: Int, _ code: String, _ message: String, headers: [(name: String, value: String)] = []) {
        response = Answers.error(status, code: code, message: message, headers: headers)
    }

    init(_ response: HTTPResponse) {
        self.response = response
    }
}

extension Answers {
    /// The answer as the client gets it: an error made without Tencent's RequestId (before any
    /// API call, or in code that does not see the request) shows the request's own id, the web
    /// server's or one made for it, which is also in the log line: the user's support reference
    /// and the log meet. Rendered from the error's parts, never parsed back from its body.
    public static func identified(_ response: HTTPResponse, for request: HTTPRequest) -> HTTPResponse {
        guard var error = response.error, error.requestId == nil else { return response }
        error.requestId = request.id
        var identified = response
        identified.error = error
        identified.body = body(error).bytes
        return identified
    }
}
