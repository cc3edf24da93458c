/// Reading `WebVerificationConfigIntl` from config keys (`check_mode = 3`, …), checked with the
/// rules in `WebVerificationConfig+Rules.swift`, so a bad value fails at start-up, not at Apply.
extension WebVerificationConfig {
    static let configKeys: Set<String> = [
        "auto_skip_start_page", "auto_skip", "check_mode", "id_card_type", "disable_check_ocr_warnings",
        "security_level", "skip_privacy_policy", "id_card_cut_return", "theme_color", "language",
        "auto_downgrade", "action_list", "liveness_retry_limit", "liveness_timeout", "selected_warning_codes",
        "allow_expired_document", "version",
    ]

    public init(config file: ConfigFile) throws(ConfigError) {
        self.init()
        autoSkipStartPage = try file.optionalBool("auto_skip_start_page")
        autoSkip = try file.optionalBool("auto_skip")
        checkMode = try file.optionalInt("check_mode", range: Self.checkModes)
        idCardType = file.optionalString("id_card_type")
        disableCheckOcrWarnings = try file.optionalBool("disable_check_ocr_warnings")
        securityLevel = try file.optionalInt("security_level", range: Self.securityLevels)
        skipPrivacyPolicy = try file.optionalBool("skip_privacy_policy")
        idCardCutReturn = try file.optionalBool("id_card_cut_return")
        themeColor = file.optionalString("theme_color")
        language = file.optionalString("language")
        autoDowngrade = try file.optionalInt("auto_downgrade", range: Self.autoDowngrades)
        actionList = file.optionalString("action_list")
        livenessRetryLimit = try file.optionalInt("liveness_retry_limit", range: Self.livenessRetryLimits)
        livenessTimeout = try file.optionalInt("liveness_timeout", range: Self.livenessTimeouts)
        selectedWarningCodes = file.optionalString("selected_warning_codes")
        allowExpiredDocument = try file.optionalBool("allow_expired_document")
        version = file.optionalString("version")
        if let problem = validationProblem() {
            throw ConfigError("\(file.origin(of: problem.key)): \(problem)")
        }
        // Checked trimmed, so sent trimmed: "blink, mouth" goes out as "blink,mouth".
        actionList = actionList.map(Self.normalizedList)
        selectedWarningCodes = selectedWarningCodes.map(Self.normalizedList)
    }
}
