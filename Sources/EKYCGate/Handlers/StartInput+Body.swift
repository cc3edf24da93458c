import FastCGI

/// The fields of a start request from its query and its body, in any of the body's forms: a
/// multipart upload from a phone, a urlencoded form, JSON from a merchant backend, or none.
struct SubmittedFields {
    /// Text fields: the query's first values, then the body's (which win).
    var fields: [String: String] = [:]
    /// The `image` part of a multipart upload.
    var image: ArraySlice<UInt8>?
    /// `compareImageBase64` of a form or JSON body.
    var imageBase64: String?

    init(query: [(name: String, value: String)]) {
        for (name, value) in query where fields[name] == nil { fields[name] = value }
    }

    mutating func read(_ request: HTTPRequest) throws(Refusal) {
        let contentType = (request.header("Content-Type") ?? "").lowercased()
        if contentType.hasPrefix("multipart/form-data") {
            try readMultipart(request)
        } else if contentType.hasPrefix("application/x-www-form-urlencoded") {
            guard let pairs = FormEncoding.parse(String(decoding: request.body, as: UTF8.self)) else {
                throw Refusal(400, "bad_form", "the form body is not valid URL encoding")
            }
            for (name, value) in pairs { fields[name] = value }
            imageBase64 = fields["compareImageBase64"]
        } else if contentType.hasPrefix("application/json") {
            guard case .object(let pairs)? = JSONValue.parse(request.body) else {
                throw Refusal(400, "bad_json", "the body is not a JSON object like {\"compareImageBase64\": \"…\", \"extra\": \"…\"}")
            }
            for (name, value) in pairs {
                if case .string(let text) = value { fields[name] = text }
            }
            imageBase64 = fields["compareImageBase64"]
        } else if !request.body.isEmpty {
            throw Refusal(415, "unsupported_media_type", "send multipart/form-data, application/x-www-form-urlencoded or application/json")
        }
    }

    private mutating func readMultipart(_ request: HTTPRequest) throws(Refusal) {
        guard let boundary = Multipart.boundary(contentType: request.header("Content-Type") ?? "") else {
            throw Refusal(400, "bad_multipart", "multipart/form-data without a boundary")
        }
        let parts: [MultipartPart]
        do { parts = try Multipart.parse(request.body, boundary: boundary) } catch {
            throw Refusal(400, "bad_multipart", "the multipart body is malformed (\(error)); send it as a browser form does")
        }
        for part in parts {
            if part.name == "image" {
                if !part.body.isEmpty { image = part.body }
            } else if let text = String(validating: part.body, as: UTF8.self) {
                fields[part.name] = text
            } else {
                throw Refusal(400, "bad_form", "form field '\(part.name.prefix(40))' is not UTF-8 text")
            }
        }
    }
}
