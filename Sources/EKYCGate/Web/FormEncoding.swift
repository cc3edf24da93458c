/// `application/x-www-form-urlencoded` and query strings: `a=1&b=x%20y`, `+` as space.
public enum FormEncoding {
    /// Pairs in order; a malformed escape or invalid UTF-8 makes the whole input invalid (nil),
    /// because guessing what a forged or broken link meant is how injection starts.
    public static func parse(_ text: String) -> [(name: String, value: String)]? {
        var pairs: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let eq = part.firstIndex(of: "=") ?? part.endIndex
            guard let name = decode(part[..<eq]) else { return nil }
            let value = eq == part.endIndex ? "" : decode(part[part.index(after: eq)...])
            guard let value else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// The first value for `name`, nil when absent or the input is malformed.
    public static func value(_ name: String, in text: String) -> String? {
        parse(text)?.first { $0.name == name }?.value
    }

    public static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - 55
        default: nil
        }
    }
}
