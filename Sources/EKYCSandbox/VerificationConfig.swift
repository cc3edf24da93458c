public import EKYCGate

/// `WebVerificationConfigIntl` after validation, with Tencent's defaults filled in.
public struct VerificationConfig: Sendable, Equatable {
    public var autoSkipStartPage = false
    public var autoSkip = false
    public var checkMode = 2
    public var idCardType: String?
    public var securityLevel = 3
    public var skipPrivacyPolicy = false
    /// Always a valid `#rrggbb`: an invalid ThemeColor falls back to the default, as Tencent's page does.
    public var themeColor = VerificationConfig.defaultThemeColor
    public var language = "en"
    public var livenessRetryLimit = 99
    public var livenessTimeout = 45
    public var version = "BASIC"

    public static let defaultThemeColor = "#2d72f1"

    public init() {}

    /// Every field of `WebVerificationConfigIntl` in the SDK's model.
    static let fieldNames = [
        "AutoSkipStartPage", "AutoSkip", "CheckMode", "IDCardType", "DisableCheckOcrWarnings", "SecurityLevel",
        "SkipPrivacyPolicy", "IdCardCutReturn", "ThemeColor", "Language", "AutoDowngrade", "ActionList",
        "LivenessRetryLimit", "LivenessTimeout", "SelectedWarningCodes", "AllowExpiredDocument", "Version",
    ]

    /// True when the flow compares the face with a photo (the caller's or the document's).
    public var comparesFace: Bool { checkMode == 1 || checkMode == 2 }
    /// True when the flow reads a document.
    public var readsDocument: Bool { checkMode == 1 || checkMode == 4 }

    /// Validates `Config` of an Apply request; absent and null fields keep their defaults. The
    /// JSON types are checked here; the values by the rules the handlers check their own
    /// config with (`WebVerificationConfig.validationProblem`).
    public init(parsing value: JSONValue?, textual: Bool = false) throws(APIError) {
        self.init()
        guard let value, !value.isNull else { return }
        let fields = FieldReader(value, path: "Config", textual: textual)
        try fields.requireObject()
        try fields.rejectUnknown(Self.fieldNames)
        var given = WebVerificationConfig()
        given.autoSkipStartPage = try fields.bool("AutoSkipStartPage")
        given.autoSkip = try fields.bool("AutoSkip")
        given.checkMode = try fields.int("CheckMode")
        given.idCardType = try fields.string("IDCardType")
        given.disableCheckOcrWarnings = try fields.bool("DisableCheckOcrWarnings")
        given.securityLevel = try fields.int("SecurityLevel")
        given.skipPrivacyPolicy = try fields.bool("SkipPrivacyPolicy")
        given.idCardCutReturn = try fields.bool("IdCardCutReturn")
        given.themeColor = try fields.string("ThemeColor")
        given.language = try fields.string("Language")
        given.autoDowngrade = try fields.int("AutoDowngrade")
        given.actionList = try fields.string("ActionList")
        given.livenessRetryLimit = try fields.int("LivenessRetryLimit")
        given.livenessTimeout = try fields.int("LivenessTimeout")
        given.selectedWarningCodes = try fields.string("SelectedWarningCodes")
        given.allowExpiredDocument = try fields.bool("AllowExpiredDocument")
        given.version = try fields.string("Version")
        // An invalid ThemeColor is not refused: Tencent's page falls back to its default colour.
        if let color = given.themeColor, !WebVerificationConfig.isHexColor(color) { given.themeColor = nil }
        if let problem = given.validationProblem() { throw .invalidValue("Config.\(problem.field)", problem.rule) }
        autoSkipStartPage = given.autoSkipStartPage ?? autoSkipStartPage
        autoSkip = given.autoSkip ?? autoSkip
        checkMode = given.checkMode ?? checkMode
        idCardType = given.idCardType
        securityLevel = given.securityLevel ?? securityLevel
        skipPrivacyPolicy = given.skipPrivacyPolicy ?? skipPrivacyPolicy
        themeColor = given.themeColor?.lowercased() ?? themeColor
        language = given.language ?? language
        livenessRetryLimit = given.livenessRetryLimit ?? livenessRetryLimit
        livenessTimeout = given.livenessTimeout ?? livenessTimeout
        version = given.version ?? version
    }
}

/// Typed reads of one JSON object's members, with errors that name the field. Absent and
/// null members read as nil; a wrong JSON type is `InvalidParameter`, a bad value
/// `InvalidParameterValue`.
struct FieldReader {
    var value: JSONValue
    var path: String
    /// Values from a query or form (GET, older signing): numbers and booleans arrive as text.
    var textual: Bool

    init(_ value: JSONValue, path: String = "", textual: Bool = false) {
        self.value = value
        self.path = path
        self.textual = textual
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func requireObject() throws(APIError) {
        guard case .object = value else {
            throw .invalidParameter(path.isEmpty ? "The request body must be a JSON object." : "\(path) must be a JSON object.")
        }
    }

    /// `UnknownParameter` for the first member not in `known` (the platform refuses names an
    /// action does not have, so a misspelt field never passes silently).
    func rejectUnknown(_ known: [String]) throws(APIError) {
        guard case .object(let members) = value else { return }
        if let stray = members.first(where: { !known.contains($0.0) }) { throw .unknownParameter(name(stray.0)) }
    }

    /// The member, or `MissingParameter` when it is absent or null.
    func required(_ key: String) throws(APIError) -> JSONValue {
        guard let found = member(key) else { throw .missingParameter(name(key)) }
        return found
    }

    func member(_ key: String) -> JSONValue? {
        guard let member = value[key], !member.isNull else { return nil }
        return member
    }

    func wrongType(_ key: String, _ type: String) -> APIError {
        .invalidParameter("The type of parameter \(name(key)) is wrong: expected \(type).")
    }

    func string(_ key: String) throws(APIError) -> String? {
        guard let member = member(key) else { return nil }
        guard case .string(let text) = member else { throw wrongType(key, "String") }
        return text
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let member = member(key) else { return nil }
        if textual, case .string(let text) = member, let flag = ["true": true, "false": false][text.lowercased()] { return flag }
        guard case .bool(let flag) = member else { throw wrongType(key, "Boolean") }
        return flag
    }

    /// An integer of any value: the ranges are the shared rules' to check.
    func int(_ key: String) throws(APIError) -> Int? {
        guard let member = member(key) else { return nil }
        let number: Int64
        if case .integer(let given) = member { number = given } else if textual, case .string(let text) = member, let given = Int64(text) {
            number = given
        } else {
            throw wrongType(key, "Integer")
        }
        guard let value = Int(exactly: number) else { throw .invalidValue(name(key), "\(number) is out of range") }
        return value
    }
}
