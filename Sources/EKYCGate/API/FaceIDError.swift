public import HTTPClient

/// Why a FaceID API call gave no usable answer. Tencent's own code and RequestId are kept.
public enum FaceIDError: Error, Sendable, CustomStringConvertible {
    /// `Response.Error` from Tencent, e.g. `AuthFailure.SignatureFailure`.
    case api(code: String, message: String, requestId: String?)
    /// No HTTP answer: timeout, connection refused or reset, TLS failure.
    case transport(HTTPClientError)
    /// An HTTP status other than 200 (Tencent answers every API error with 200).
    case httpStatus(Int, bodyStart: String)
    /// A 200 whose body is not the JSON the API documents.
    case malformed(String)

    public var description: String {
        switch self {
        case let .api(code, message, requestId):
            "Tencent API error \(code): \(message)" + (requestId.map { " (RequestId \($0))" } ?? "")
        case let .transport(error):
            error.description
        case let .httpStatus(status, bodyStart):
            "the eKYC API answered HTTP \(status): \(bodyStart)"
        case let .malformed(why):
            "the eKYC API answered something that is not its documented JSON: \(why)"
        }
    }

    public var requestId: String? {
        if case let .api(_, _, requestId) = self { return requestId }
        return nil
    }
}
