#if canImport(Glibc)
import Glibc
#endif

/// One field of a log line: a key and its value, quoted and escaped when the line is written,
/// so that nothing a value holds (spaces, quotes, line breaks from an error text) can forge a
/// field or a line.
public struct LogField: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    public init(_ key: String, _ value: Int) {
        self.init(key, String(value))
    }

    /// `key=value`, or `key="quoted value"` when the value holds anything but printable ASCII
    /// other than `"`, `=` and `\`.
    public var text: String { "\(key)=\(Self.quote(value))" }

    static func quote(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { (0x21...0x7e).contains($0.value) && $0 != "\"" && $0 != "=" && $0 != "\\" }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// One logfmt line on stderr (`key=value key="quoted value"`): a request's line or a background
/// event's. Every log line is built from fields here, so every value is escaped the same way.
public struct LogLine: Sendable, Equatable {
    public var fields: [LogField]

    public init(_ fields: [LogField]) {
        self.fields = fields
    }

    /// An event's line: `event=NAME` first, then the fields in order.
    public init(event: String, _ fields: (String, String)...) {
        self.init([LogField("event", event)] + fields.map { LogField($0.0, $0.1) })
    }

    public func appending(_ key: String, _ value: String) -> LogLine {
        LogLine(fields + [LogField(key, value)])
    }

    /// The line without its newline.
    public var text: String { fields.map(\.text).joined(separator: " ") }

    /// Writes the line with a single `write(2)`, so lines from different threads never interleave.
    public func write() {
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
