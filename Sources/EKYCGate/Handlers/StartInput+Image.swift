/// A reference photo sent as base64 in a JSON or form field.
extension StartInput {
    /// A reference photo sent as base64 (JSON or a form field): checked to be a JPEG or PNG by
    /// its first bytes and to be base64 throughout, and bounded by Tencent's 8 MB.
    static func referenceImage(base64 given: String, in body: [UInt8]) -> Result<ReferenceImage, Refusal> {
        var text = given
        // Tencent wants bare base64; a data: URL prefix from a browser's FileReader is removed.
        if text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") { text = String(text[text.index(after: comma)...]) }
        // The type is sniffed from the first bytes, decoded from the first whole base64 quanta.
        guard Base64.isWellFormed(text.utf8), let head = Base64.decodedHead(text.utf8, bytes: 8), ImageKind.of(head) != nil else {
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
}
