#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The reference photo of an Apply: the bytes of an upload, or base64 a caller already sent.
public enum ReferenceImage: Sendable, Equatable {
    /// A slice of the request body: encoded straight into the API request, never copied.
    case bytes(ArraySlice<UInt8>)
    case base64(String)
    /// Base64 as the caller sent it, as a slice of the request body: sent without a copy.
    case base64Bytes(ArraySlice<UInt8>)

    public var base64Count: Int {
        switch self {
        case .bytes(let bytes): Base64.encodedCount(bytes.count)
        case .base64(let text): text.utf8.count
        case .base64Bytes(let bytes): bytes.count
        }
    }

    public var base64: String {
        switch self {
        case .bytes(let bytes): Base64.encode(bytes)
        case .base64(let text): text
        case .base64Bytes(let bytes): String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// `ApplyWebVerificationBizTokenIntl` request body.
public struct ApplyRequest: Sendable, Equatable {
    public var redirectURL: String
    public var compareImage: ReferenceImage?
    public var extra: String?
    public var ruleId: String?
    public var config: WebVerificationConfig?

    public init(redirectURL: String, compareImage: ReferenceImage? = nil, extra: String? = nil,
                ruleId: String? = nil, config: WebVerificationConfig? = nil) {
        self.redirectURL = redirectURL
        self.compareImage = compareImage
        self.extra = extra
        self.ruleId = ruleId
        self.config = config
    }

    /// `CompareImageBase64` as Tencent receives it.
    public var compareImageBase64: String? { compareImage?.base64 }

    /// The JSON body, fields in Tencent's order, unset fields left out. Built by hand so an
    /// 8 MB photo is base64-encoded once, into this buffer, instead of through a String and
    /// an encoder's copies: the memory a start costs stays near the upload's size.
    public func jsonPayload() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((compareImage?.base64Count ?? 0) + 1024)
        out += Array("{\"RedirectURL\":".utf8) + JSONValue.string(redirectURL).bytes
        if let compareImage {
            out += Array(",\"CompareImageBase64\":\"".utf8)
            switch compareImage {
            case .bytes(let bytes): Base64.encode(bytes, into: &out)
            case .base64(let text): out += text.utf8   // base64 needs no JSON escaping
            case .base64Bytes(let bytes): out += bytes
            }
            out.append(UInt8(ascii: "\""))
        }
        if let extra { out += Array(",\"Extra\":".utf8) + JSONValue.string(extra).bytes }
        if let ruleId { out += Array(",\"RuleId\":".utf8) + JSONValue.string(ruleId).bytes }
        if let config, let encoded = try? JSONEncoder().encode(config) {
            out += Array(",\"Config\":".utf8) + Array(encoded)
        }
        out.append(UInt8(ascii: "}"))
        return out
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
