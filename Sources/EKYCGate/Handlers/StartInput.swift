#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FastCGI

/// What a start request asks for, from any of its entry forms: the GET query, a
/// multipart upload from a phone, a urlencoded form, or JSON from a merchant backend.
struct StartInput: Equatable {
    var extra: String?
    var compareImage: ReferenceImage?
    /// The signed link this start came from: its signature names it, its expiry bounds it.
    var link: (signature: String, expires: Int64)?

    static func == (a: StartInput, b: StartInput) -> Bool {
        a.extra == b.extra && a.compareImage == b.compareImage && a.link?.signature == b.link?.signature
    }

    /// Tencent's limits: Extra ≤ 1000 characters (counted as `ExtraLimit` says), CompareImageBase64
    /// ≤ 8 MB. Extra is bounded in bytes too, so what is stored and signed stays small.
    static let maxExtraBytes = 4000
    static let maxImageBase64Bytes = 8 * 1024 * 1024

    /// What decides where `Extra` may come from.
    struct Policy {
        var allowUnsignedExtra: Bool
        var linkKey: String?
        var requireSignedLink: Bool
        var maxLinkLifetime: Int64
        var allowBrowserImages: Bool
        var now: Int64

        init(config: HandlerConfig, now: Int64) {
            allowUnsignedExtra = config.allowUnsignedExtra
            linkKey = config.linkKey
            requireSignedLink = config.requireSignedLink
            maxLinkLifetime = config.limits.maxLinkLifetimeSeconds
            allowBrowserImages = config.browserImages
            self.now = now
        }
    }

    static func parse(_ request: HTTPRequest, policy: Policy) -> Result<StartInput, Refusal> {
        if request.bodyOmitted {
            return .failure(Refusal(413, "body_too_large", "the upload is larger than this server accepts (8 MB of base64, about 6 MB of image); send a smaller photo"))
        }
        guard let query = FormEncoding.parse(request.queryString) else {
            return .failure(Refusal(400, "bad_query", "the query string is not valid URL encoding"))
        }
        var fields: [String: String] = [:]
        for (name, value) in query where fields[name] == nil { fields[name] = value }
        var image: ArraySlice<UInt8>?
        var imageBase64: String?

        if request.method == "POST" {
            let contentType = (request.header("Content-Type") ?? "").lowercased()
            if contentType.hasPrefix("multipart/form-data") {
                guard let boundary = Multipart.boundary(contentType: request.header("Content-Type") ?? "") else {
                    return .failure(Refusal(400, "bad_multipart", "multipart/form-data without a boundary"))
                }
                let parts: [MultipartPart]
                do { parts = try Multipart.parse(request.body, boundary: boundary) } catch {
                    return .failure(Refusal(400, "bad_multipart", "the multipart body is malformed (\(error)); send it as a browser form does"))
                }
                for part in parts {
                    if part.name == "image" {
                        if !part.body.isEmpty { image = part.body }
                    } else if let text = String(validating: part.body, as: UTF8.self) {
                        fields[part.name] = text
                    } else {
                        return .failure(Refusal(400, "bad_form", "form field '\(part.name.prefix(40))' is not UTF-8 text"))
                    }
                }
            } else if contentType.hasPrefix("application/x-www-form-urlencoded") {
                guard let pairs = FormEncoding.parse(String(decoding: request.body, as: UTF8.self)) else {
                    return .failure(Refusal(400, "bad_form", "the form body is not valid URL encoding"))
                }
                for (name, value) in pairs { fields[name] = value }
                imageBase64 = fields["compareImageBase64"]
            } else if contentType.hasPrefix("application/json") {
                guard case .object(let pairs)? = JSONValue.parse(request.body) else {
                    return .failure(Refusal(400, "bad_json", "the body is not a JSON object like {\"compareImageBase64\": \"…\", \"extra\": \"…\"}"))
                }
                for (name, value) in pairs {
                    if case .string(let text) = value { fields[name] = text }
                }
                imageBase64 = fields["compareImageBase64"]
            } else if !request.body.isEmpty {
                return .failure(Refusal(415, "unsupported_media_type", "send multipart/form-data, application/x-www-form-urlencoded or application/json"))
            }
        }

        var input = StartInput()
        let linkFields = query.filter { ["ref", "exp", "sig"].contains($0.name) }
        if !linkFields.isEmpty {
            guard let key = policy.linkKey else {
                return .failure(Refusal(403, "bad_link", "this server has no link_key, so it cannot check signed start links"))
            }
            let value = { (name: String) in linkFields.first { $0.name == name }?.value }
            switch SignedLink.verify(.startLink, subject: value("ref"), exp: value("exp"), sig: value("sig"), key: key,
                                     now: policy.now, maxLifetime: policy.maxLinkLifetime) {
            case .invalid(let why):
                return .failure(Refusal(403, "bad_link", "\(why); ask the merchant site for a new link"))
            case .expired:
                return .failure(Refusal(403, "link_expired", "this start link has expired; go back to the merchant site for a new one"))
            case .tooLong(let most):
                return .failure(Refusal(403, "link_lifetime", "this start link is valid for longer than this server accepts (max_link_lifetime, \(most) s); the merchant site must sign links with a nearer exp"))
            case .valid(let ref):
                if let refusal = Self.extraRefusal(ref, name: "ref") { return .failure(refusal) }
                guard fields["extra"]?.isEmpty ?? true else {
                    return .failure(Refusal(400, "extra_with_link", "a signed link carries its ref; do not send extra with it"))
                }
                input.extra = ref
                if let sig = value("sig"), let exp = value("exp").flatMap({ Int64($0) }) { input.link = (sig.lowercased(), exp) }
            }
        } else if policy.requireSignedLink {
            return .failure(Refusal(403, "link_required", "verification starts only from a signed link made by the merchant site"))
        }
        if let extra = fields["extra"], !extra.isEmpty {
            guard policy.allowUnsignedExtra else {
                return .failure(Refusal(403, "unsigned_extra", "this server does not accept 'extra' from the browser; the merchant app must create a signed start link"))
            }
            if let refusal = Self.extraRefusal(extra, name: "extra") { return .failure(refusal) }
            input.extra = extra
        }
        if let image {
            guard ImageKind.of(image) != nil else {
                return .failure(Refusal(415, "bad_image", "the photo must be a JPEG or PNG image"))
            }
            input.compareImage = .bytes(image)
        } else if let text = imageBase64, !text.isEmpty {
            switch Self.referenceImage(base64: text, in: request.body) {
            case .success(let image): input.compareImage = image
            case .failure(let refusal): return .failure(refusal)
            }
        }
        if input.compareImage != nil, !policy.allowBrowserImages {
            return .failure(Refusal(403, "browser_image_refused", "this site compares faces only with photos its backend supplies (POST /ekyc/verifications), never with one from the browser; browser_images = allow accepts them"))
        }
        if let image = input.compareImage, image.base64Count > maxImageBase64Bytes {
            return .failure(Refusal(413, "image_too_large", "the photo is \(image.base64Count) bytes as base64; Tencent accepts at most 8 MB"))
        }
        return .success(input)
    }
}

extension StartInput {
    /// A reference photo sent as base64 (JSON or a form field): checked to be a JPEG or PNG by
    /// its first bytes and to be base64 throughout, and bounded by Tencent's 8 MB.
    static func referenceImage(base64 given: String, in body: [UInt8]) -> Result<ReferenceImage, Refusal> {
        var text = given
        // Tencent wants bare base64; a data: URL prefix from a browser's FileReader is removed.
        if text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") { text = String(text[text.index(after: comma)...]) }
        guard let decoded = Data(base64Encoded: String(text.prefix(64)).paddedForBase64), ImageKind.of(Array(decoded.prefix(16))) != nil,
              text.utf8.allSatisfy(Self.isBase64Byte) else {
            return .failure(Refusal(415, "bad_image", "compareImageBase64 must be the base64 of a JPEG or PNG image"))
        }
        guard text.utf8.count <= maxImageBase64Bytes else {
            return .failure(Refusal(413, "image_too_large", "the photo is \(text.utf8.count) bytes as base64; Tencent accepts at most 8 MB"))
        }
        // Most bodies hold the base64 unescaped: then the request body's own bytes are sent
        // and the decoded copy is dropped as soon as parsing ends.
        if let slice = rawSlice(of: text, in: body) { return .success(.base64Bytes(slice)) }
        return .success(.base64(text))
    }

    static func extraRefusal(_ text: String, name: String) -> Refusal? {
        guard text.utf8.count <= maxExtraBytes, ExtraLimit.allows(text) else {
            return Refusal(400, "extra_too_long", "\(name) is longer than Tencent's Extra allows (\(ExtraLimit.maxCharacters) characters, an emoji counting as 2, and this server takes at most \(maxExtraBytes) bytes); shorten it")
        }
        return nil
    }

    /// Where `text` stands, byte for byte, in `body` as the value of a JSON or form field:
    /// found by the field's opening quote or `=` before it and a closing quote or `&` or end
    /// after it; nil when it is not there as is (escaped in JSON, percent-encoded in a form).
    static func rawSlice(of text: String, in body: [UInt8]) -> ArraySlice<UInt8>? {
        let wanted = Array(text.utf8.prefix(64))
        guard wanted.count == 64 || wanted.count == text.utf8.count, let first = wanted.first else { return nil }
        var index = body.startIndex
        while let start = body[index...].firstIndex(of: first) {
            let end = start + text.utf8.count
            if end <= body.count, body[start..<min(start + wanted.count, body.count)].elementsEqual(wanted),
               start > 0, [UInt8(ascii: "\""), UInt8(ascii: "=")].contains(body[start - 1]),
               end == body.count || [UInt8(ascii: "\""), UInt8(ascii: "&")].contains(body[end]),
               body[start..<end].elementsEqual(text.utf8) {
                return body[start..<end]
            }
            index = start + 1
        }
        return nil
    }

    static func isBase64Byte(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2b || byte == 0x2f || byte == 0x3d
    }
}

extension String {
    /// A prefix of base64 cut at a multiple of 4, so the head decodes on its own.
    fileprivate var paddedForBase64: String { String(prefix(count / 4 * 4)) }
}

/// Image types Tencent accepts, recognised by content (magic bytes), never by file name.
enum ImageKind {
    case jpeg, png

    static func of(_ bytes: some Collection<UInt8>) -> ImageKind? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }
}
