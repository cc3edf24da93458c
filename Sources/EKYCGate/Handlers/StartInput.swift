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

    /// Reads a start request: the body in whichever of its forms (`StartInput+Body.swift`),
    /// then where Extra may come from (a signed link or the browser), then the photo.
    static func parse(_ request: HTTPRequest, policy: Policy) -> Result<StartInput, Refusal> {
        do throws(Refusal) {
            if request.bodyOmitted {
                throw Refusal(413, "body_too_large", "the upload is larger than this server accepts (8 MB of base64, about 6 MB of image); send a smaller photo")
            }
            guard let query = FormEncoding.parse(request.queryString) else {
                throw Refusal(400, "bad_query", "the query string is not valid URL encoding")
            }
            var body = SubmittedFields(query: query)
            if request.method == "POST" { try body.read(request) }
            var input = StartInput()
            try input.takeExtra(query: query, fields: body.fields, policy: policy)
            try input.takeImage(body, request: request, policy: policy)
            return .success(input)
        } catch {
            return .failure(error)
        }
    }

    /// Extra from a signed link (`ref`, `exp`, `sig` in the query) or, when the server allows
    /// it, from the browser's `extra` field; never both.
    mutating func takeExtra(query: [(name: String, value: String)], fields: [String: String], policy: Policy) throws(Refusal) {
        let linkFields = query.filter { ["ref", "exp", "sig"].contains($0.name) }
        if !linkFields.isEmpty {
            guard let key = policy.linkKey else {
                throw Refusal(403, "bad_link", "this server has no link_key, so it cannot check signed start links")
            }
            let value = { (name: String) in linkFields.first { $0.name == name }?.value }
            switch SignedLink.verify(.startLink, subject: value("ref"), exp: value("exp"), sig: value("sig"), key: key,
                                     now: policy.now, maxLifetime: policy.maxLinkLifetime) {
            case .invalid(let why):
                throw Refusal(403, "bad_link", "\(why); ask the merchant site for a new link")
            case .expired:
                throw Refusal(403, "link_expired", "this start link has expired; go back to the merchant site for a new one")
            case .tooLong(let most):
                throw Refusal(403, "link_lifetime", "this start link is valid for longer than this server accepts (max_link_lifetime, \(most) s); the merchant site must sign links with a nearer exp")
            case .valid(let ref):
                if let refusal = Self.extraRefusal(ref, name: "ref") { throw refusal }
                guard fields["extra"]?.isEmpty ?? true else {
                    throw Refusal(400, "extra_with_link", "a signed link carries its ref; do not send extra with it")
                }
                extra = ref
                if let sig = value("sig"), let exp = value("exp").flatMap({ Int64($0) }) { link = (sig.lowercased(), exp) }
            }
        } else if policy.requireSignedLink {
            throw Refusal(403, "link_required", "verification starts only from a signed link made by the merchant site")
        }
        if let given = fields["extra"], !given.isEmpty {
            guard policy.allowUnsignedExtra else {
                throw Refusal(403, "unsigned_extra", "this server does not accept 'extra' from the browser; the merchant app must create a signed start link")
            }
            if let refusal = Self.extraRefusal(given, name: "extra") { throw refusal }
            extra = given
        }
    }

    /// The reference photo, uploaded as a file or sent as base64, when the server takes photos
    /// from browsers, within Tencent's 8 MB.
    mutating func takeImage(_ body: SubmittedFields, request: HTTPRequest, policy: Policy) throws(Refusal) {
        if let image = body.image {
            guard ImageKind.of(image) != nil else {
                throw Refusal(415, "bad_image", "the photo must be a JPEG or PNG image")
            }
            compareImage = .bytes(image)
        } else if let text = body.imageBase64, !text.isEmpty {
            switch Self.referenceImage(base64: text, in: request.body) {
            case .success(let image): compareImage = image
            case .failure(let refusal): throw refusal
            }
        }
        if compareImage != nil, !policy.allowBrowserImages {
            throw Refusal(403, "browser_image_refused", "this site compares faces only with photos its backend supplies (POST /ekyc/verifications), never with one from the browser; browser_images = allow accepts them")
        }
        if let image = compareImage, image.base64Count > Self.maxImageBase64Bytes {
            throw Refusal(413, "image_too_large", "the photo is \(image.base64Count) bytes as base64; Tencent accepts at most 8 MB")
        }
    }
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
