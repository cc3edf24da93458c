public import FastCGI
import HTTPClient

/// How a failed API call is answered to the browser: the status of DESIGN.md's error table,
/// Tencent's code kept in the message, never a secret.
public enum UpstreamErrors {
    public static func response(for error: FaceIDError, action: String) -> HTTPResponse {
        switch error {
        case let .api(code, message, requestId):
            if code == "RequestLimitExceeded" || code.hasSuffix(".RequestLimitExceeded") {
                return Answers.error(429, code: "rate_limited",
                                     message: "the eKYC API is rate-limiting this account (\(code)); retry in a moment",
                                     requestId: requestId, headers: [("Retry-After", "1")])
            }
            if code.hasPrefix("AuthFailure") {
                return Answers.error(502, code: "upstream_auth",
                                     message: "the eKYC API refused this server's credentials (\(code): \(message)); check secret_id, secret_key and the server clock — `ekyc-start sign --help` prints every signing stage",
                                     requestId: requestId)
            }
            if code.hasPrefix("InternalError") {
                return Answers.error(503, code: "upstream_unavailable",
                                     message: "the eKYC API had an internal error (\(code)); retry shortly",
                                     requestId: requestId, headers: [("Retry-After", "2")])
            }
            return Answers.error(502, code: "upstream_error", message: "\(action) failed: \(code): \(message)", requestId: requestId)
        case let .transport(transport):
            var response: HTTPResponse
            switch transport.kind {
            case .timeout:
                response = Answers.error(504, code: "upstream_timeout",
                                         message: "the eKYC API did not answer in time (\(transport.message)); retry")
            case .tls:
                response = Answers.error(502, code: "upstream_tls",
                                         message: "TLS to the eKYC API failed (\(transport.message)); check ca_file and endpoint")
            case .network, .setup:
                response = Answers.error(502, code: "upstream_unreachable",
                                         message: "cannot reach the eKYC API (\(transport.message))")
            }
            // The operator reads the log, not the browser's answer: curl's own words go there too
            // (host, port and what failed; never a header or body).
            response.logFields.append(LogField("curl", "\(transport.code)"))
            response.logFields.append(LogField("detail", transport.message))
            return response
        case let .httpStatus(status, _):
            return Answers.error(502, code: "upstream_http", message: "the eKYC API answered HTTP \(status) to \(action)")
        case let .malformed(why):
            return Answers.error(502, code: "upstream_malformed", message: "the eKYC API's answer to \(action) was not valid: \(why.prefix(200))")
        }
    }
}
