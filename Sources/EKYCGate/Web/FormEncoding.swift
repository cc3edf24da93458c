/// `application/x-www-form-urlencoded` and query strings: `a=1&b=x%20y`, `+` as space.
public enum FormEncoding {
    /// Pairs in order; a malformed escape or invalid UTF-8 makes the whole input invalid (nil),
    /// because guessing what a forged or broken link meant is how injection starts.
    public static func parse(_ text: String) -> [(name: String, value: String)]? {
        var pairs: [(String, String)] = []
        // Split on bytes, as browsers and nginx do: to Swift, "&" or "=" followed by a combining
        // mark is one Character, so a Character split would read another pair than they do.
        for part in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let eq = part.firstIndex(of: UInt8(ascii: "=")) ?? part.endIndex
            guard let name = decode(utf8: part[..<eq]) else { return nil }
            let value = eq == part.endIndex ? "" : decode(utf8: part[part.index(after: eq)...])
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
        decode(utf8: text.utf8)
    }

    private static func decode(utf8 text: some Collection<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var iterator = text.makeIterator()
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
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 15)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
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
