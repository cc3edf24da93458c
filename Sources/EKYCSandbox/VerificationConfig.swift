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
    // The allowed values are Tencent's, kept in one place for the handlers and the sandbox.
    static let languages = WebVerificationConfig.languages
    static let idCardTypes = WebVerificationConfig.idCardTypes
    static let actions = WebVerificationConfig.actions
    static let warningCodes = WebVerificationConfig.warningCodes

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

    /// Validates `Config` of an Apply request; absent and null fields keep their defaults.
    public init(parsing value: JSONValue?, textual: Bool = false) throws(APIError) {
        self.init()
        guard let value, !value.isNull else { return }
        let fields = FieldReader(value, path: "Config", textual: textual)
        try fields.requireObject()
        try fields.rejectUnknown(Self.fieldNames)
        autoSkipStartPage = try fields.bool("AutoSkipStartPage") ?? autoSkipStartPage
        autoSkip = try fields.bool("AutoSkip") ?? autoSkip
        checkMode = try fields.int("CheckMode", allowed: 1...4) ?? checkMode
        idCardType = try fields.string("IDCardType", oneOf: Self.idCardTypes)
        _ = try fields.bool("DisableCheckOcrWarnings")
        securityLevel = try fields.int("SecurityLevel", allowed: 1...4) ?? securityLevel
        skipPrivacyPolicy = try fields.bool("SkipPrivacyPolicy") ?? skipPrivacyPolicy
        _ = try fields.bool("IdCardCutReturn")
        if let color = try fields.string("ThemeColor"), Self.isHexColor(color) { themeColor = color.lowercased() }
        language = try fields.string("Language", oneOf: Self.languages) ?? language
        _ = try fields.int("AutoDowngrade", allowed: 1...2)
        if let list = try fields.string("ActionList") {
            let items = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed() }
            guard (1...2).contains(items.count), items.allSatisfy({ Self.actions.contains($0) }) else {
                throw .invalidValue("Config.ActionList", "give one or two of blink, mouth, nod, shake separated by a comma")
            }
            guard securityLevel == 2 || securityLevel == 4 else {
                throw .invalidValue("Config.ActionList", "only allowed when Config.SecurityLevel is 2 or 4")
            }
        }
        livenessRetryLimit = try fields.int("LivenessRetryLimit", allowed: 1...99) ?? livenessRetryLimit
        livenessTimeout = try fields.int("LivenessTimeout", allowed: 0...600) ?? livenessTimeout
        if let codes = try fields.string("SelectedWarningCodes"), !codes.isEmpty {
            let items = codes.split(separator: ",").map { $0.trimmed() }
            guard items.allSatisfy({ Self.warningCodes.contains($0) }) else {
                throw .invalidValue("Config.SelectedWarningCodes", "use codes from -9101, -9102, -9103, -9104, -9107, -9108, -9109")
            }
        }
        _ = try fields.bool("AllowExpiredDocument")
        version = try fields.string("Version", oneOf: ["BASIC", "PLUS"]) ?? version
    }

    static func isHexColor(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 7 && bytes[0] == UInt8(ascii: "#")
            && bytes.dropFirst().allSatisfy { (48...57).contains($0) || (65...70).contains($0) || (97...102).contains($0) }
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

    func string(_ key: String, oneOf allowed: Set<String>) throws(APIError) -> String? {
        guard let text = try string(key) else { return nil }
        guard allowed.contains(text) else {
            throw .invalidValue(name(key), "'\(text.prefix(40))' is not one of \(allowed.sorted().joined(separator: ", "))")
        }
        return text
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let member = member(key) else { return nil }
        if textual, case .string(let text) = member, let flag = ["true": true, "false": false][text.lowercased()] { return flag }
        guard case .bool(let flag) = member else { throw wrongType(key, "Boolean") }
        return flag
    }

    func int(_ key: String, allowed: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let member = member(key) else { return nil }
        let number: Int64
        if case .integer(let given) = member { number = given } else if textual, case .string(let text) = member, let given = Int64(text) {
            number = given
        } else {
            throw wrongType(key, "Integer")
        }
        guard let value = Int(exactly: number), allowed.contains(value) else {
            throw .invalidValue(name(key), "must be from \(allowed.lowerBound) to \(allowed.upperBound)")
        }
        return value
    }
}
