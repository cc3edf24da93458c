/// The values Tencent documents for `WebVerificationConfigIntl`, in one place: the handlers
/// check their config file and the merchant backend's options with them, and the sandbox
/// answers `InvalidParameterValue` for exactly the same cases.
extension WebVerificationConfig {
    public static let idCardTypes: Set<String> = [
        "HKIDCard", "MLIDCard", "IndonesiaIDCard", "PhilippinesVoteID", "PhilippinesDrivingLicense",
        "PhilippinesTinID", "PhilippinesSSSID", "PhilippinesUMID", "InternationalIDPassport",
        "ThailandIDCard", "SingaporeIDCard", "MainlandIDCard",
    ]
    public static let languages: Set<String> = ["th", "en", "zh-cn", "zh-tc", "id"]
    public static let actions: Set<String> = ["blink", "mouth", "nod", "shake"]
    public static let warningCodes: Set<String> = ["-9101", "-9102", "-9103", "-9104", "-9107", "-9108", "-9109"]
    public static let versions: Set<String> = ["BASIC", "PLUS"]
    public static let checkModes = 1...4
    public static let securityLevels = 1...4
    public static let autoDowngrades = 1...2
    public static let livenessRetryLimits = 1...99
    public static let livenessTimeouts = 0...600

    /// A value outside Tencent's documented set: the API field, its config key and the rule.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The field's name in the API (`CheckMode`).
        public var field: String
        /// The same field's config key (`check_mode`).
        public var key: String
        /// What the value must be, e.g. "must be 1 to 4".
        public var rule: String

        public var description: String { "\(key) (\(field)) \(rule)" }
    }

    /// The first value outside Tencent's documented set, described with the fix; nil when valid.
    public func validationProblem() -> Problem? {
        if let checkMode, !Self.checkModes.contains(checkMode) {
            return Problem(field: "CheckMode", key: "check_mode", rule: "must be 1 (OCR+liveness+comparison), 2 (liveness+comparison), 3 (liveness) or 4 (OCR)")
        }
        if let securityLevel, !Self.securityLevels.contains(securityLevel) {
            return Problem(field: "SecurityLevel", key: "security_level", rule: "must be 1 to 4")
        }
        if let autoDowngrade, !Self.autoDowngrades.contains(autoDowngrade) {
            return Problem(field: "AutoDowngrade", key: "auto_downgrade", rule: "must be 1 or 2")
        }
        if let livenessRetryLimit, !Self.livenessRetryLimits.contains(livenessRetryLimit) {
            return Problem(field: "LivenessRetryLimit", key: "liveness_retry_limit", rule: "must be 1 to 99")
        }
        if let livenessTimeout, !Self.livenessTimeouts.contains(livenessTimeout) {
            return Problem(field: "LivenessTimeout", key: "liveness_timeout", rule: "must be 0 to 600 seconds")
        }
        if let idCardType, !Self.idCardTypes.contains(idCardType) {
            return Problem(field: "IDCardType", key: "id_card_type",
                           rule: "'\(idCardType.prefix(40))' is not one of \(Self.idCardTypes.sorted().joined(separator: ", "))")
        }
        if let language, !Self.languages.contains(language) {
            return Problem(field: "Language", key: "language",
                           rule: "'\(language.prefix(40))' is not one of \(Self.languages.sorted().joined(separator: ", "))")
        }
        if let themeColor, !Self.isHexColor(themeColor) {
            return Problem(field: "ThemeColor", key: "theme_color", rule: "must be #rrggbb, got '\(themeColor.prefix(40))'")
        }
        if let version, !Self.versions.contains(version) {
            return Problem(field: "Version", key: "version", rule: "must be BASIC or PLUS")
        }
        if let actionList {
            let actions = actionList.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed() }
            guard (1...2).contains(actions.count), actions.allSatisfy(Self.actions.contains) else {
                return Problem(field: "ActionList", key: "action_list", rule: "must be one or two of blink, mouth, nod, shake, comma-separated")
            }
            guard securityLevel == 2 || securityLevel == 4 else {
                return Problem(field: "ActionList", key: "action_list", rule: "is allowed only with security_level (SecurityLevel) 2 or 4")
            }
        }
        if let codes = selectedWarningCodes {
            let list = codes.split(separator: ",").map { $0.trimmed() }
            guard list.allSatisfy(Self.warningCodes.contains) else {
                return Problem(field: "SelectedWarningCodes", key: "selected_warning_codes",
                               rule: "must be codes from \(Self.warningCodes.sorted().joined(separator: ", ")), comma-separated")
            }
        }
        return nil
    }

    /// A comma-separated list without spaces around its items.
    static func normalizedList(_ text: String) -> String {
        text.split(separator: ",").map { $0.trimmed() }.joined(separator: ",")
    }

    /// `#rrggbb` in ASCII hex digits (not any Unicode digit `Character.isHexDigit` accepts).
    public static func isHexColor(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 7 && bytes[0] == UInt8(ascii: "#") && bytes.dropFirst().allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
