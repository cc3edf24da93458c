/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable, Equatable {
    public var name: String
    public var filename: String?
    public var contentType: String?
    public var body: ArraySlice<UInt8>
}

/// A strict `multipart/form-data` reader (RFC 7578): a part count limit, headers that must be
/// well-formed, and a closing delimiter that must be present. Parts are slices of the body,
/// so an uploaded image is not copied.
public enum Multipart {
    public enum Failure: Error, Equatable, Sendable {
        case noBoundary, malformed(String), tooManyParts
    }

    public static let maxParts = 16

    /// The `boundary` parameter of a `multipart/form-data` content type.
    public static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmed()
            guard pair.lowercased().hasPrefix("boundary=") else { continue }
            var value = String(pair.dropFirst("boundary=".count))
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    public static func parse(_ body: [UInt8], boundary: String) throws(Failure) -> [MultipartPart] {
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n--\(boundary)".utf8)
        guard var cursor = find(delimiter, in: body, from: 0) else { throw .malformed("no opening boundary") }
        cursor += delimiter.count
        var parts: [MultipartPart] = []
        while true {
            // After a delimiter: "--" closes, CRLF opens a part.
            if body[cursor...].starts(with: Array("--".utf8)) { return parts }
            guard body[cursor...].starts(with: [13, 10]) else { throw .malformed("boundary not followed by a line end") }
            cursor += 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: cursor) else { throw .malformed("part headers never end") }
            let headers = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let contentEnd = find(separator, in: body, from: contentStart) else { throw .malformed("part is not terminated") }
            guard parts.count < maxParts else { throw .tooManyParts }
            parts.append(try part(headers: headers, body: body[contentStart..<contentEnd]))
            cursor = contentEnd + separator.count
        }
    }

    private static func part(headers: String, body: ArraySlice<UInt8>) throws(Failure) -> MultipartPart {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("bad part header") }
            let field = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmed()
            if field == "content-disposition" {
                for parameter in value.split(separator: ";").dropFirst() {
                    let pair = parameter.trimmed()
                    guard let eq = pair.firstIndex(of: "=") else { continue }
                    var text = String(pair[pair.index(after: eq)...])
                    if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
                    switch pair[..<eq].lowercased() {
                    case "name": name = text
                    case "filename": filename = text
                    default: break
                    }
                }
            } else if field == "content-type" {
                contentType = value
            }
        }
        guard let name else { throw .malformed("part without a name") }
        return MultipartPart(name: name, filename: filename, contentType: contentType, body: body)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
