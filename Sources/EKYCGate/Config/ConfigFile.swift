/// A configuration problem, naming the key (or file) and how to fix it.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The `key = value` file format shared by every command: `#` starts a comment line, blank
/// lines are ignored, keys are lower-case words with `_`, values run to the end of the line
/// (surrounding spaces and one pair of double quotes removed).
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
        self.path = path
        var values: [String: (value: String, line: Int)] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimmed()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigError("\(path):\(number): expected 'key = value', found '\(line.prefix(60))'")
            }
            let key = line[..<eq].trimmed()
            var value = line[line.index(after: eq)...].trimmed()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw ConfigError("\(path):\(number): '\(key)' is not a valid key (letters, digits and _ only)")
            }
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if let earlier = values[key.lowercased()] {
                throw ConfigError("\(path):\(number): '\(key)' is set twice (first on line \(earlier.line)); keep one")
            }
            values[key.lowercased()] = (value, number)
        }
        self.values = values
    }

    /// Reads a file; a missing or unreadable file is an error that names it.
    public static func load(path: String) throws(ConfigError) -> ConfigFile {
        let bytes: [UInt8]
        do { bytes = try FileReading.bytes(atPath: path, limit: 1 << 20) } catch {
            throw ConfigError("cannot read config file \(path): \(error.reason) — pass --config FILE or set EKYC_CONFIG")
        }
        return try ConfigFile(parsing: String(decoding: bytes, as: UTF8.self), path: path)
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
