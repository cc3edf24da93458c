import EKYCGate

/// `application/x-www-form-urlencoded` fields (a query string or a form body), first value
/// wins. Decoded by `FormEncoding`, as the handlers decode theirs: split on bytes, and a
/// malformed escape or invalid UTF-8 makes the whole input unreadable (no fields at all).
struct FormFields: Sendable {
    private var values: [String: String] = [:]

    init(_ encoded: String) {
        for (name, value) in FormEncoding.parse(encoded) ?? [] where values[name] == nil { values[name] = value }
    }

    subscript(name: String) -> String? { values[name] }

    /// Every field, first value of each name.
    var all: [String: String] { values }
}

/// Text made safe to place in HTML content and attribute values.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
