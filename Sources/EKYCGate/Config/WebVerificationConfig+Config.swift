/// Reading `WebVerificationConfigIntl` from config keys (`check_mode = 3`, …) and checking each
/// value against the values Tencent documents, so a bad value fails at start-up, not at Apply.
extension WebVerificationConfig {
    static let configKeys: Set<String> = [
        "auto_skip_start_page", "auto_skip", "check_mode", "id_card_type", "disable_check_ocr_warnings",
        "security_level", "skip_privacy_policy", "id_card_cut_return", "theme_color", "language",
        "auto_downgrade", "action_list", "liveness_retry_limit", "liveness_timeout", "selected_warning_codes",
        "allow_expired_document", "version",
    ]

    public static let idCardTypes: Set<String> = [
        "HKIDCard", "MLIDCard", "IndonesiaIDCard", "PhilippinesVoteID", "PhilippinesDrivingLicense",
        "PhilippinesTinID", "PhilippinesSSSID", "PhilippinesUMID", "InternationalIDPassport",
        "ThailandIDCard", "SingaporeIDCard", "MainlandIDCard",
    ]
    public static let languages: Set<String> = ["th", "en", "zh-cn", "zh-tc", "id"]
    public static let actions: Set<String> = ["blink", "mouth", "nod", "shake"]
    public static let warningCodes: Set<String> = ["-9101", "-9102", "-9103", "-9104", "-9107", "-9108", "-9109"]

    public init(config file: ConfigFile) throws(ConfigError) {
        self.init()
        autoSkipStartPage = try file.optionalBool("auto_skip_start_page")
        autoSkip = try file.optionalBool("auto_skip")
        checkMode = try file.optionalInt("check_mode", range: 1...4)
        idCardType = file.optionalString("id_card_type")
        disableCheckOcrWarnings = try file.optionalBool("disable_check_ocr_warnings")
        securityLevel = try file.optionalInt("security_level", range: 1...4)
        skipPrivacyPolicy = try file.optionalBool("skip_privacy_policy")
        idCardCutReturn = try file.optionalBool("id_card_cut_return")
        themeColor = file.optionalString("theme_color")
        language = file.optionalString("language")
        autoDowngrade = try file.optionalInt("auto_downgrade", range: 1...2)
        actionList = file.optionalString("action_list")
        livenessRetryLimit = try file.optionalInt("liveness_retry_limit", range: 1...99)
        livenessTimeout = try file.optionalInt("liveness_timeout", range: 0...600)
        selectedWarningCodes = file.optionalString("selected_warning_codes")
        allowExpiredDocument = try file.optionalBool("allow_expired_document")
        version = file.optionalString("version")
        if let problem = validationProblem() {
            throw ConfigError("\(file.path): \(problem)")
        }
        // Checked trimmed, so sent trimmed: "blink, mouth" goes out as "blink,mouth".
        actionList = actionList.map(Self.normalizedList)
        selectedWarningCodes = selectedWarningCodes.map(Self.normalizedList)
    }

    /// The first value outside Tencent's documented set, described with the fix; nil when valid.
    /// Shared with the sandbox, which answers `InvalidParameterValue` for the same cases.
    public func validationProblem() -> String? {
        if let checkMode, !(1...4).contains(checkMode) { return "check_mode (CheckMode) must be 1 (OCR+liveness+comparison), 2 (liveness+comparison), 3 (liveness) or 4 (OCR)" }
        if let securityLevel, !(1...4).contains(securityLevel) { return "security_level (SecurityLevel) must be 1 to 4" }
        if let autoDowngrade, !(1...2).contains(autoDowngrade) { return "auto_downgrade (AutoDowngrade) must be 1 or 2" }
        if let livenessRetryLimit, !(1...99).contains(livenessRetryLimit) { return "liveness_retry_limit (LivenessRetryLimit) must be 1 to 99" }
        if let livenessTimeout, !(0...600).contains(livenessTimeout) { return "liveness_timeout (LivenessTimeout) must be 0 to 600 seconds" }
        if let idCardType, !Self.idCardTypes.contains(idCardType) {
            return "id_card_type (IDCardType) '\(idCardType)' is not one of \(Self.idCardTypes.sorted().joined(separator: ", "))"
        }
        if let language, !Self.languages.contains(language) {
            return "language (Language) '\(language)' is not one of \(Self.languages.sorted().joined(separator: ", "))"
        }
        if let themeColor, !Self.isHexColor(themeColor) { return "theme_color (ThemeColor) must be #rrggbb, got '\(themeColor)'" }
        if let version, version != "BASIC", version != "PLUS" { return "version (Version) must be BASIC or PLUS" }
        if let actionList {
            let actions = actionList.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed() }
            guard (1...2).contains(actions.count), actions.allSatisfy(Self.actions.contains) else {
                return "action_list (ActionList) must be one or two of blink, mouth, nod, shake, comma-separated"
            }
            guard securityLevel == 2 || securityLevel == 4 else {
                return "action_list (ActionList) is allowed only with security_level 2 or 4"
            }
        }
        if let codes = selectedWarningCodes {
            let list = codes.split(separator: ",").map { $0.trimmed() }
            guard list.allSatisfy(Self.warningCodes.contains) else {
                return "selected_warning_codes (SelectedWarningCodes) must be codes from \(Self.warningCodes.sorted().joined(separator: ", ")), comma-separated"
            }
        }
        return nil
    }

    /// A comma-separated list without spaces around its items.
    static func normalizedList(_ text: String) -> String {
        text.split(separator: ",").map { $0.trimmed() }.joined(separator: ",")
    }

    static func isHexColor(_ text: String) -> Bool {
        text.count == 7 && text.hasPrefix("#") && text.dropFirst().allSatisfy(\.isHexDigit)
    }
}
