#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the merchant's backend asks for in `POST /ekyc/verifications`:
/// `{"ref": "…", "compareImageBase64": "…", "config": {"check_mode": 2, "language": "en"}}`.
/// `ref` is the backend's name for its user (Tencent's `Extra`); the photo, when given, is the
/// face the user is compared with; `config` sets the few page options that may differ per
/// verification, checked by the same rules as the config file.
struct CreateRequest {
    var ref: String
    var compareImage: ReferenceImage?
    var page: WebVerificationConfig

    /// Page options a backend may set per verification; the rest (what weakens a check, such
    /// as `disable_check_ocr_warnings`) stays the site's.
    static let perVerificationKeys: Set<String> = [
        "check_mode", "id_card_type", "language", "security_level", "action_list",
        "liveness_retry_limit", "liveness_timeout", "auto_skip", "theme_color",
    ]

    static func parse(_ body: [UInt8], site: WebVerificationConfig) -> Result<CreateRequest, Refusal> {
        guard case .object(let fields)? = JSONValue.parse(body) else {
            return .failure(Refusal(400, "bad_json", "the body must be a JSON object like {\"ref\": \"user-42\", \"compareImageBase64\": \"…\"}"))
        }
        var ref: String?
        var image: ReferenceImage?
        var page = site
        for (name, value) in fields {
            switch (name, value) {
            case ("ref", .string(let text)):
                ref = text
            case ("compareImageBase64", .string(let text)) where !text.isEmpty:
                switch StartInput.referenceImage(base64: text, in: body) {
                case .success(let found): image = found
                case .failure(let refusal): return .failure(refusal)
                }
            case ("compareImageBase64", .null):
                break
            case ("config", .object(let options)):
                switch Self.pageOptions(options, over: site) {
                case .success(let merged): page = merged
                case .failure(let refusal): return .failure(refusal)
                }
            default:
                return .failure(Refusal(400, "bad_field", "unknown or mistyped field '\(name.prefix(40))'; send ref (string), compareImageBase64 (string) and config (object)"))
            }
        }
        guard let ref, !ref.isEmpty else {
            return .failure(Refusal(400, "ref_required", "ref is required: your reference for the user, returned in the result and the webhook"))
        }
        if let refusal = StartInput.extraRefusal(ref, name: "ref") { return .failure(refusal) }
        switch CheckModeChoice.resolve(configured: page.checkMode, hasPhoto: image != nil, photoField: "compareImageBase64") {
        case .success(let mode): page.checkMode = mode
        case .failure(let refusal): return .failure(refusal)
        }
        return .success(CreateRequest(ref: ref, compareImage: image, page: page))
    }

    /// The request's `config` over the site's: allowlisted keys only, each value checked as
    /// the config file's would be.
    static func pageOptions(_ options: [(String, JSONValue)], over site: WebVerificationConfig) -> Result<WebVerificationConfig, Refusal> {
        var values: [String: String] = [:]
        for (key, value) in options {
            guard perVerificationKeys.contains(key) else {
                return .failure(Refusal(400, "bad_config", "config.\(key.prefix(40)) cannot be set per verification; allowed: \(perVerificationKeys.sorted().joined(separator: ", "))"))
            }
            switch value {
            case .string(let text): values[key] = text
            case .integer(let number): values[key] = String(number)
            case .bool(let flag): values[key] = flag ? "true" : "false"
            default: return .failure(Refusal(400, "bad_config", "config.\(key) must be a string, number or boolean"))
            }
        }
        let requested: WebVerificationConfig
        do { requested = try WebVerificationConfig(config: ConfigFile(path: "config", values: values)) } catch {
            return .failure(Refusal(400, "bad_config", error.description))
        }
        let merged = site.overridden(by: requested)
        if let problem = merged.validationProblem() { return .failure(Refusal(400, "bad_config", "with the site's options: \(problem)")) }
        return .success(merged)
    }
}

extension WebVerificationConfig {
    /// These options with every field `other` sets taken from it.
    func overridden(by other: WebVerificationConfig) -> WebVerificationConfig {
        var merged = self
        merged.autoSkip = other.autoSkip ?? autoSkip
        merged.checkMode = other.checkMode ?? checkMode
        merged.idCardType = other.idCardType ?? idCardType
        merged.securityLevel = other.securityLevel ?? securityLevel
        merged.themeColor = other.themeColor ?? themeColor
        merged.language = other.language ?? language
        merged.actionList = other.actionList ?? actionList
        merged.livenessRetryLimit = other.livenessRetryLimit ?? livenessRetryLimit
        merged.livenessTimeout = other.livenessTimeout ?? livenessTimeout
        return merged
    }
}
