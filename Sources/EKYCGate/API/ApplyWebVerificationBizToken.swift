/// `ApplyWebVerificationBizTokenIntl` request body.
public struct ApplyRequest: Codable, Sendable, Equatable {
    public var redirectURL: String
    public var compareImageBase64: String?
    public var extra: String?
    public var ruleId: String?
    public var config: WebVerificationConfig?

    public init(redirectURL: String, compareImageBase64: String? = nil, extra: String? = nil,
                ruleId: String? = nil, config: WebVerificationConfig? = nil) {
        self.redirectURL = redirectURL
        self.compareImageBase64 = compareImageBase64
        self.extra = extra
        self.ruleId = ruleId
        self.config = config
    }

    enum CodingKeys: String, CodingKey {
        case redirectURL = "RedirectURL"
        case compareImageBase64 = "CompareImageBase64"
        case extra = "Extra"
        case ruleId = "RuleId"
        case config = "Config"
    }
}

/// `ApplyWebVerificationBizTokenIntl` answer (the `Response` object without `Error`).
public struct ApplyResponse: Codable, Sendable, Equatable {
    public var bizToken: String
    public var verificationURL: String?
    /// Deprecated spelling Tencent still returns; used when `VerificationURL` is absent.
    public var verificationUrl: String?
    public var requestId: String?

    public init(bizToken: String, verificationURL: String?, verificationUrl: String? = nil, requestId: String?) {
        self.bizToken = bizToken
        self.verificationURL = verificationURL
        self.verificationUrl = verificationUrl
        self.requestId = requestId
    }

    public var pageURL: String? { verificationURL ?? verificationUrl }

    enum CodingKeys: String, CodingKey {
        case bizToken = "BizToken"
        case verificationURL = "VerificationURL"
        case verificationUrl = "VerificationUrl"
        case requestId = "RequestId"
    }
}
