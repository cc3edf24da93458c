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
    public static func error(_ status: Int, code: String, message: String, requestId: String? = nil,
                             headers: [(name: String, value: String)] = []) -> HTTPResponse {
        var response = json(status, .object([("error", .object([
            ("code", .string(code)), ("message", .string(message)), ("requestId", .optional(requestId)),
        ]))]), headers: headers)
        response.logFields.append(("error", code))
        if let requestId { response.logFields.append(("tc_request", requestId)) }
        return response
    }
}

extension Answers {
    /// The store (or the limiter beside it) could not be reached: logged as `event`, answered 503
    /// with `Retry-After`, since a store outage usually passes in seconds. `message` says what was
    /// not done.
    public static func storeUnavailable(_ error: StoreError, message: String, requestId: String? = nil,
                                        event: String = "store_error") -> HTTPResponse {
        RequestLog.write("event=\(event) \(error)")
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
    /// An error answered before any API call has no Tencent RequestId; it gets the web
    /// server's request id (nginx `$request_id`, passed as `REQUEST_ID`) so the user's report
    /// and the access log meet.
    public static func fillingRequestId(_ response: HTTPResponse, from request: HTTPRequest) -> HTTPResponse {
        guard response.status >= 400, let id = request.params["REQUEST_ID"] ?? request.params["HTTP_X_REQUEST_ID"],
              !id.isEmpty, let error = JSONValue.parse(response.body)?["error"], error["requestId"]?.isNull == true,
              case .string(let code)? = error["code"], case .string(let message)? = error["message"] else { return response }
        let kept = response.headers.filter { !["content-type", "cache-control"].contains($0.name.lowercased()) }
        var filled = Answers.error(response.status, code: code, message: message, requestId: id, headers: kept)
        filled.logFields = response.logFields
        return filled
    }
}
