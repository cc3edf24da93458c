/// A configuration problem, naming the key (or file) and how to fix it.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The `key = value` file format shared by every command: `#` starts a comment line, blank
/// lines are ignored, keys are ASCII words with `_` (read in lower case), values run to the end
/// of the line (surrounding spaces and one pair of double quotes removed).
public struct ConfigFile: Sendable, Equatable {
    /// Values with the line each came from, for messages.
    public private(set) var values: [String: (value: String, line: Int)]
    public let path: String

    public static func == (a: ConfigFile, b: ConfigFile) -> Bool {
        a.path == b.path && a.values.mapValues(\.value) == b.values.mapValues(\.value)
    }

    public init(path: String = "<inline>", values: [String: String] = [:]) {
        self.path = path
        self.values = values.mapValues { ($0, 0) }
    }

    public init(parsing text: String, path: String) throws(ConfigError) {
        try self.init(parsing: Array(text.utf8), path: path)
    }

    /// Parses the file's bytes, decoding only keys and values: a handler run as CGI parses its
    /// config on every request, and splitting and trimming the text Character by Character took
    /// a third of a callback's instructions (docs/BENCHMARKS.md, "CGI mode").
    public init(parsing bytes: [UInt8], path: String) throws(ConfigError) {
        self.path = path
        var values: [String: (value: String, line: Int)] = [:]
        var number = 0
        var lineStart = 0
        while lineStart <= bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            number += 1
            defer { lineStart = lineEnd + 1 }
            let line = Self.trimmed(lineStart..<lineEnd, in: bytes)
            if line.isEmpty || bytes[line.lowerBound] == UInt8(ascii: "#") { continue }
            guard let eq = bytes[line].firstIndex(of: UInt8(ascii: "=")) else {
                throw ConfigError("\(path):\(number): expected 'key = value', found '\(String(decoding: bytes[line], as: UTF8.self).prefix(60))'")
            }
            let keyBytes = bytes[Self.trimmed(line.lowerBound..<eq, in: bytes)]
            var valueRange = Self.trimmed(eq + 1..<line.upperBound, in: bytes)
            guard !keyBytes.isEmpty, keyBytes.allSatisfy(Self.isKeyByte) else {
                throw ConfigError("\(path):\(number): '\(String(decoding: keyBytes, as: UTF8.self))' is not a valid key (letters, digits and _ only)")
            }
            let quote = UInt8(ascii: "\"")
            if valueRange.count >= 2, bytes[valueRange.lowerBound] == quote, bytes[valueRange.upperBound - 1] == quote {
                valueRange = valueRange.lowerBound + 1..<valueRange.upperBound - 1
            }
            // Keys are ASCII (isKeyByte): lower-cased byte by byte.
            let key = String(decoding: keyBytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
            if let earlier = values[key] {
                throw ConfigError("\(path):\(number): '\(String(decoding: keyBytes, as: UTF8.self))' is set twice (first on line \(earlier.line)); keep one")
            }
            values[key] = (String(decoding: bytes[valueRange], as: UTF8.self), number)
        }
        self.values = values
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// `range` without the bytes `trimmed()` removes at either end.
    private static func trimmed(_ range: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isTrimmedSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isTrimmedSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Reads a file; a missing or unreadable file is an error that names it.
    public static func load(path: String) throws(ConfigError) -> ConfigFile {
        let bytes: [UInt8]
        do { bytes = try FileReading.bytes(atPath: path, limit: 1 << 20) } catch {
            throw ConfigError("cannot read config file \(path): \(error.reason) — pass --config FILE or set EKYC_CONFIG")
        }
        return try ConfigFile(parsing: bytes, path: path)
    }

    public subscript(key: String) -> String? {
        get { values[key]?.value }
        set { values[key] = newValue.map { ($0, 0) } }
    }

    /// Where a key was set, for messages: `file:line` or `file`.
    public func origin(of key: String) -> String {
        guard let line = values[key]?.line, line > 0 else { return path }
        return "\(path):\(line)"
    }

    public var keys: [String] { Array(values.keys).sorted() }

    /// Environment overrides: `EKYC_REDIRECT_URL` sets `redirect_url`, and so on, for the keys
    /// a command knows; other `EKYC_*` variables belong to someone else and are left alone.
    public mutating func applyEnvironment(_ environment: [String: String], knownKeys: Set<String>, prefix: String = "EKYC_") {
        for (name, value) in environment where name.hasPrefix(prefix) {
            let key = name.dropFirst(prefix.count).lowercased()
            if knownKeys.contains(key) { values[key] = (value, 0) }
        }
    }
}
