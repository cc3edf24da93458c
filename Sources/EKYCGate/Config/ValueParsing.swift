/// Typed reads of config values, each failing with a message that names the key and the fix.
extension ConfigFile {
    public func string(_ key: String, default fallback: String? = nil) throws(ConfigError) -> String {
        if let value = self[key], !value.isEmpty { return value }
        if let fallback { return fallback }
        throw ConfigError("\(path): '\(key)' is required; add '\(key) = …' to the config file or set EKYC_\(key.uppercased())")
    }

    public func optionalString(_ key: String) -> String? {
        guard let value = self[key], !value.isEmpty else { return nil }
        return value
    }

    public func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let text = optionalString(key) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigError("\(origin(of: key)): '\(key) = \(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    public func optionalInt(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard optionalString(key) != nil else { return nil }
        return try int(key, default: 0, range: range)
    }

    /// A limit that may be switched off: `key = 1000` or `key = off` (nil).
    public func limit(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let text = optionalString(key) else { return fallback }
        if text.lowercased() == "off" { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigError("\(origin(of: key)): '\(key) = \(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound), or off")
        }
        return value
    }

    public func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let text = optionalString(key) else { return fallback }
        guard let value = Self.parseBool(text) else {
            throw ConfigError("\(origin(of: key)): '\(key) = \(text)' must be true or false")
        }
        return value
    }

    public func optionalBool(_ key: String) throws(ConfigError) -> Bool? {
        guard optionalString(key) != nil else { return nil }
        return try bool(key, default: false)
    }

    /// A `Rate` (`15/s`, `3/10m`, `120/h`), or nil for `off`.
    public func rate(_ key: String, default fallback: Rate?) throws(ConfigError) -> Rate? {
        guard let text = optionalString(key) else { return fallback }
        if Self.parseBool(text) == false { return nil }
        guard let rate = Rate(parsing: text) else {
            throw ConfigError("\(origin(of: key)): '\(key) = \(text)' must be a rate such as 15/s, 3/10m or 120/h, or off")
        }
        return rate
    }

    /// A time span (`90s`, `10m`, `24h`, `1d`; a bare number is seconds), in seconds.
    public func seconds(_ key: String, default fallback: Int64, range: ClosedRange<Int64>) throws(ConfigError) -> Int64 {
        guard let text = optionalString(key) else { return fallback }
        guard let value = ConfigDuration.seconds(text), range.contains(value) else {
            throw ConfigError("\(origin(of: key)): '\(key) = \(text)' must be a time from \(range.lowerBound) to \(range.upperBound) seconds, such as 90s, 10m, 24h or 1d")
        }
        return value
    }

    /// A comma-separated list of `AddressPattern`s (`127.0.0.1, ::1, 10.0.0.0/8`).
    public func addressPatterns(_ key: String, default fallback: String = "") throws(ConfigError) -> [AddressPattern] {
        var patterns: [AddressPattern] = []
        for item in (optionalString(key) ?? fallback).split(separator: ",") {
            guard let pattern = AddressPattern(String(item)) else {
                throw ConfigError("\(origin(of: key)): '\(item.trimmed())' is not an address (127.0.0.1, ::1) or IPv4 network (10.0.0.0/8)")
            }
            patterns.append(pattern)
        }
        return patterns
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }

    /// Keys present that `known` does not list: a typo should not be silently ignored.
    public func rejectUnknownKeys(_ known: Set<String>) throws(ConfigError) {
        for key in keys where !known.contains(key) {
            let hint = known.min { Self.distance($0, key) < Self.distance($1, key) }.map { " (did you mean '\($0)'?)" } ?? ""
            throw ConfigError("\(origin(of: key)): unknown key '\(key)'\(hint)")
        }
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where i <= a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where j <= b.count {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
