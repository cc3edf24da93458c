import EKYCGate
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import FastCGI

/// Tencent's eKYC server API (`POST /`, service `faceid`, version `2018-03-01`) for the two
/// actions of the mobile HTML5 flow. Every answer is HTTP 200 with `Content-Type:
/// application/json` exactly, errors included, because that is what the official SDKs parse.
public struct SandboxAPI: Sendable {
    public static let version = "2018-03-01"
    static let applyAction = "ApplyWebVerificationBizTokenIntl"
    static let getAction = "GetWebVerificationResultIntl"

    public var authenticator: RequestAuthenticator
    public var store: any VerificationStore
    /// Base of VerificationURL: `page_url?token=BizToken`.
    public var pageURL: String
    /// nil when rate limiting is off.
    public var rateLimiter: RateLimiter?

    public init(authenticator: RequestAuthenticator, store: any VerificationStore, pageURL: String, rateLimiter: RateLimiter? = nil) {
        self.authenticator = authenticator
        self.store = store
        self.pageURL = pageURL
        self.rateLimiter = rateLimiter
    }

    /// `verificationURL`, when given, replaces the VerificationURL of an Apply answer (a fault).
    public func handle(_ request: HTTPRequest, now: Double, verificationURL: String? = nil) -> HTTPResponse {
        let requestId = UUID().uuidString.lowercased()
        let action = request.header("X-TC-Action") ?? FormFields(request.queryString)["Action"] ?? ""
        do {
            let response = try answer(request, now: now, requestId: requestId, verificationURL: verificationURL)
            return Self.json(response, requestId: requestId, action: action, error: nil)
        } catch {
            return Self.errorResponse(error, requestId: requestId, action: action)
        }
    }

    private func answer(_ request: HTTPRequest, now: Double, requestId: String,
                        verificationURL: String?) throws(APIError) -> JSONValue {
        if request.bodyOmitted { throw .invalidParameter("The request body is larger than the server accepts.") }
        let nowSeconds = Int64(now.rounded(.down))
        let call = try APICall.read(request, authenticator: authenticator, nowSeconds: nowSeconds)
        let action = call.action
        guard action == Self.applyAction || action == Self.getAction else {
            throw APIError("InvalidAction", "The action \(action.isEmpty ? "(none)" : action) is not found for faceid.")
        }
        guard call.version == Self.version else {
            throw APIError("NoSuchVersion", "The API version \(call.version ?? "(none)") is not found for \(action); use \(Self.version).")
        }
        if let rateLimiter, !rateLimiter.allow(action, nowSeconds: nowSeconds) { throw .requestLimitExceeded }
        let body = try call.parameters()
        return action == Self.applyAction
            ? try apply(body, textual: call.textual, now: now, verificationURL: verificationURL)
            : try result(body, nowSeconds: nowSeconds, requestId: requestId)
    }

    private func apply(_ body: JSONValue, textual: Bool, now: Double, verificationURL: String?) throws(APIError) -> JSONValue {
        let request = try ApplyRequest(parsing: body, textual: textual)
        let token = UUID().uuidString.uppercased()
        let record = VerificationRecord(
            bizToken: token, createdSeconds: Int64(now.rounded(.down)), redirectURL: request.redirectURL,
            extra: request.extra, hasCompareImage: request.hasCompareImage, config: request.config)
        store.insert(record, nowSeconds: record.createdSeconds)
        let url = verificationURL ?? pageURL + "?token=" + token
        return .object([("BizToken", .string(token)), ("VerificationURL", .string(url)), ("VerificationUrl", .string(url))])
    }

    private func result(_ body: JSONValue, nowSeconds: Int64, requestId: String) throws(APIError) -> JSONValue {
        let fields = FieldReader(body)
        try fields.requireObject()
        try fields.rejectUnknown(["BizToken"])
        _ = try fields.required("BizToken")
        guard let token = try fields.string("BizToken"), !token.isEmpty else {
            throw .invalidValue("BizToken", "it is required")
        }
        guard let record = store.record(token) else { throw .bizTokenIllegal }
        guard record.isRetained(nowSeconds: nowSeconds) else { throw .bizTokenExpired }
        return ResultResponse.body(for: record, nowSeconds: nowSeconds, requestId: requestId)
    }

    /// `{"Response": {"Error": {"Code": …, "Message": …}, "RequestId": …}}`.
    static func errorResponse(_ error: APIError, requestId: String, action: String) -> HTTPResponse {
        let body = JSONValue.object([("Error", .object([("Code", .string(error.code)), ("Message", .string(error.message))]))])
        return json(body, requestId: requestId, action: action, error: error.code)
    }

    /// `{"Response": {…, "RequestId": …}}`, with the action and error code for the log line.
    static func json(_ response: JSONValue, requestId: String, action: String, error: String?) -> HTTPResponse {
        var members: [(String, JSONValue)] = []
        if case .object(let existing) = response { members = existing.filter { $0.0 != "RequestId" } }
        members.append(("RequestId", .string(requestId)))
        let body = JSONValue.object([("Response", .object(members))]).bytes
        var log = [LogField("action", action.isEmpty ? "-" : action), LogField("request_id", requestId)]
        if let error { log.append(LogField("error", error)) }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: body, logFields: log)
    }
}
