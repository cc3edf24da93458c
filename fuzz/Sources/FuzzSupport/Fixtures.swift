public import EKYCGate
public import FastCGI

/// The handler setup every handler target shares: a fixed clock, an in-memory store, and an
/// API twin that answers from the input instead of the network.
public enum Fixtures {
    public static let now: Int64 = 1_773_563_400
    public static let token = "81EEF678-28EE-4759-A82E-6CBBBE6BC442"
    public static let linkKey = "fuzz-link-key-0123456789abcdef0123456789"
    /// A session cookie value the handlers would have issued (random part all 0x5e).
    public static let session = SessionID.make(random: Array(repeating: 0x5e, count: 32),
                                               key: config(unsignedExtra: false, linkKey: nil, requireLink: false).sessionKey)

    public static func config(unsignedExtra: Bool, linkKey: String?, requireLink: Bool, exposeMedia: Bool = false,
                              singleUseLinks: Bool = false) -> HandlerConfig {
        var values = ["secret_id": "AKIDfuzz", "secret_key": "key", "redirect_url": "https://shop.example.com/ekyc/done",
                      "store": "file:/nonexistent", "allow_unsigned_extra": unsignedExtra ? "true" : "false",
                      "require_signed_link": requireLink ? "true" : "false", "expose_media": exposeMedia ? "true" : "false",
                      "single_use_links": singleUseLinks ? "true" : "false"]
        values["link_key"] = linkKey
        do { return try HandlerConfig(file: ConfigFile(path: "fuzz.conf", values: values), environment: [:]) } catch {
            fatalError("fuzz config refused: \(error)")
        }
    }

    public static func request(method: String, query: String, cookie: String?, contentType: String? = nil,
                               accept: String? = nil, body: [UInt8] = []) -> HTTPRequest {
        var params = ["REQUEST_METHOD": method, "DOCUMENT_URI": "/ekyc/start", "QUERY_STRING": query,
                      "CONTENT_LENGTH": String(body.count), "REQUEST_ID": "fuzz-request"]
        params["HTTP_COOKIE"] = cookie
        params["CONTENT_TYPE"] = contentType
        params["HTTP_ACCEPT"] = accept
        return HTTPRequest(params: params, body: body)
    }
}

/// A FaceID API that answers what it is told and remembers what it was asked.
public final class ScriptedFaceID: FaceIDAPI {
    public var applyAnswer: Result<ApplyResponse, FaceIDError>
    public var resultAnswer: Result<GetResultResponse, FaceIDError>
    public private(set) var applied: [ApplyRequest] = []

    public init(applyAnswer: Result<ApplyResponse, FaceIDError> = .success(ApplyResponse(
                    bizToken: Fixtures.token, verificationURL: "https://intl.faceid.qq.com/reflect/?token=\(Fixtures.token)",
                    requestId: "req-apply")),
                resultAnswer: Result<GetResultResponse, FaceIDError> = .success(GetResultResponse(requestId: "req-get"))) {
        self.applyAnswer = applyAnswer
        self.resultAnswer = resultAnswer
    }

    public func apply(_ request: ApplyRequest) throws(FaceIDError) -> ApplyResponse {
        applied.append(request)
        return try applyAnswer.get()
    }

    public func getResult(bizToken: String) throws(FaceIDError) -> GetResultResponse {
        try resultAnswer.get()
    }
}
