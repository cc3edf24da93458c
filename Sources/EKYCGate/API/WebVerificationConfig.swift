/// `WebVerificationConfigIntl`: how Tencent's eKYC page behaves. Every field optional; unset
/// fields are left out of the request so Tencent's defaults apply.
public struct WebVerificationConfig: Codable, Sendable, Equatable {
    public var autoSkipStartPage: Bool?
    public var autoSkip: Bool?
    public var checkMode: Int?
    public var idCardType: String?
    public var disableCheckOcrWarnings: Bool?
    public var securityLevel: Int?
    public var skipPrivacyPolicy: Bool?
    public var idCardCutReturn: Bool?
    public var themeColor: String?
    public var language: String?
    public var autoDowngrade: Int?
    public var actionList: String?
    public var livenessRetryLimit: Int?
    public var livenessTimeout: Int?
    public var selectedWarningCodes: String?
    public var allowExpiredDocument: Bool?
    public var version: String?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case autoSkipStartPage = "AutoSkipStartPage"
        case autoSkip = "AutoSkip"
        case checkMode = "CheckMode"
        case idCardType = "IDCardType"
        case disableCheckOcrWarnings = "DisableCheckOcrWarnings"
        case securityLevel = "SecurityLevel"
        case skipPrivacyPolicy = "SkipPrivacyPolicy"
        case idCardCutReturn = "IdCardCutReturn"
        case themeColor = "ThemeColor"
        case language = "Language"
        case autoDowngrade = "AutoDowngrade"
        case actionList = "ActionList"
        case livenessRetryLimit = "LivenessRetryLimit"
        case livenessTimeout = "LivenessTimeout"
        case selectedWarningCodes = "SelectedWarningCodes"
        case allowExpiredDocument = "AllowExpiredDocument"
        case version = "Version"
    }

    public var isEmpty: Bool { self == WebVerificationConfig() }
}
