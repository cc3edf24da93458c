/// A Tencent API 3.0 error as it appears in `Response.Error`: a dotted code and a message.
public struct APIError: Error, Sendable, Equatable {
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    static let signatureFailure = APIError(
        "AuthFailure.SignatureFailure",
        "The provided credentials could not be validated. Please check your signature is correct.")

    static func invalidAuthorization(_ reason: String) -> APIError {
        APIError("AuthFailure.InvalidAuthorization", "Authorization header is invalid: \(reason).")
    }

    static func secretIdNotFound(_ secretId: String) -> APIError {
        APIError("AuthFailure.SecretIdNotFound", "The SecretId \(secretId) is not found, please ensure that your SecretId is correct.")
    }

    static func signatureExpire(timestamp: Int64, now: Int64) -> APIError {
        APIError("AuthFailure.SignatureExpire",
                 "Signature expired. Timestamp \(timestamp) differs from the server time \(now) by more than \(RequestAuthenticator.allowedSkewSeconds) seconds.")
    }

    static func invalidParameter(_ message: String) -> APIError {
        APIError("InvalidParameter", message)
    }

    static func invalidValue(_ field: String, _ rule: String) -> APIError {
        APIError("InvalidParameterValue", "The value of \(field) is invalid: \(rule).")
    }

    /// A required parameter absent (or null): the platform's `MissingParameter`.
    static func missingParameter(_ name: String) -> APIError {
        APIError("MissingParameter", "The request is missing a required parameter `\(name)`.")
    }

    /// A parameter the action does not have: the platform's `UnknownParameter`.
    static func unknownParameter(_ name: String) -> APIError {
        APIError("UnknownParameter", "The parameter `\(name)` is not recognized.")
    }

    static let bizTokenIllegal = APIError("InvalidParameterValue.BizTokenIllegal", "BizToken is invalid.")
    static let bizTokenExpired = APIError("InvalidParameterValue.BizTokenExpired", "BizToken has expired.")
    static let requestLimitExceeded = APIError(
        "RequestLimitExceeded", "Your current request frequency has exceeded the limit of 20 requests per second for this API.")
}
