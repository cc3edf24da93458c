/// A command line of `--name value`, `--name=value` and bare `--flag` options, checked
/// against the options a command declares so a typo is an error, not a silent default.
public struct Arguments: Sendable {
    public struct Option: Sendable {
        public var name: String
        public var takesValue: Bool
        public init(_ name: String, takesValue: Bool = true) {
            self.name = name
            self.takesValue = takesValue
        }
    }

    public private(set) var values: [String: String] = [:]
    public private(set) var flags: Set<String> = []
    /// Words that are not options (a subcommand such as `sign`).
    public private(set) var positional: [String] = []

    public init(_ arguments: [String], options: [Option]) throws(ConfigError) {
        let byName = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("--") else { positional.append(word); continue }
            var name = String(word.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = byName[name] else {
                throw ConfigError("unknown option --\(name); see --help")
            }
            if option.takesValue {
                if let inline {
                    values[name] = inline
                } else {
                    guard index < arguments.count else { throw ConfigError("--\(name) needs a value; see --help") }
                    values[name] = arguments[index]
                    index += 1
                }
            } else {
                guard inline == nil else { throw ConfigError("--\(name) takes no value") }
                flags.insert(name)
            }
        }
    }

    public subscript(name: String) -> String? { values[name] }
    public func has(_ flag: String) -> Bool { flags.contains(flag) }
}
