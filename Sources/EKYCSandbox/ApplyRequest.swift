import EKYCGate
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The body of `ApplyWebVerificationBizTokenIntl`, validated as Tencent does. Unknown fields are
/// `UnknownParameter`, a missing RedirectURL `MissingParameter`; nulls read as absent (the SDKs
/// omit unset fields, other clients send null).
struct ApplyRequest: Sendable {
    static let maxImageBase64Bytes = 8 * 1024 * 1024

    var redirectURL: String
    var extra: String?
    var hasCompareImage: Bool
    var config: VerificationConfig

    /// `textual`: the parameters came from a query or form, every value as text.
    init(parsing body: JSONValue, textual: Bool = false) throws(APIError) {
        let fields = FieldReader(body, textual: textual)
        try fields.requireObject()
        try fields.rejectUnknown(["RedirectURL", "CompareImageBase64", "Extra", "RuleId", "Config"])
        _ = try fields.required("RedirectURL")
        guard let redirect = try fields.string("RedirectURL"), !redirect.isEmpty else {
            throw .invalidValue("RedirectURL", "it is required")
        }
        guard Self.isAbsoluteWebURL(redirect) else {
            throw .invalidValue("RedirectURL", "give an absolute http:// or https:// URL")
        }
        redirectURL = redirect
        extra = try fields.string("Extra")
        if let extra, !ExtraLimit.allows(extra) {
            throw .invalidValue("Extra", "at most \(ExtraLimit.maxCharacters) characters (UTF-16 code units)")
        }
        _ = try fields.string("RuleId")
        let image = try fields.string("CompareImageBase64") ?? ""
        if !image.isEmpty { try Self.checkImage(image) }
        hasCompareImage = !image.isEmpty
        config = try VerificationConfig(parsing: body["Config"], textual: textual)
        // Tencent's documents do not say what CheckMode 2 (its default) does without a photo;
        // the strictest plausible answer is to refuse it, so a caller that relies on the default
        // without a photo fails here rather than against Tencent (docs/SANDBOX.md).
        if config.checkMode == 2, !hasCompareImage {
            throw .invalidValue("CompareImageBase64", "it is required with Config.CheckMode 2 (liveness and face comparison, the default); send the photo to compare with, or set Config.CheckMode 3 (liveness only)")
        }
    }

    /// `http(s)://host…` with a non-empty host and no spaces or control characters.
    static func isAbsoluteWebURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") { rest = lower.dropFirst(8) } else if lower.hasPrefix("http://") { rest = lower.dropFirst(7) } else { return false }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.hasPrefix(":"), !host.contains("@") else { return false }
        return text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7f }
    }

    /// Size first (cheap), then base64, then the JPEG or PNG signature.
    static func checkImage(_ base64: String) throws(APIError) {
        guard base64.utf8.count <= maxImageBase64Bytes else {
            throw APIError("FailedOperation.ImageSizeTooLarge", "CompareImageBase64 is larger than 8 MB of base64.")
        }
        let decodeFailed = APIError("FailedOperation.ImageDecodeFailed", "CompareImageBase64 could not be decoded as a JPEG or PNG image.")
        guard let data = Data(base64Encoded: base64) else { throw decodeFailed }
        let head = Array(data.prefix(8))
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard head.starts(with: jpeg) || head.starts(with: png) else { throw decodeFailed }
    }
}
