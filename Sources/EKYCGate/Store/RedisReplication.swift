/// How the Redis store survives the loss of its primary: how many replicas must hold a write
/// before it is acknowledged (`WAIT`), and which Sentinels name the primary.
///
/// `replicas` 0 (the default) acknowledges a write once the primary has it, as before; N waits
/// until N replicas have it or `waitTimeoutMilliseconds` passes, and answers 503 past that.
/// With `sentinels`, the store asks them for `masterName`'s address instead of using the URL's
/// host, checks with `ROLE` that it is a master, and asks again after a lost connection or a
/// `READONLY` answer (a demoted master).
public struct RedisReplication: Sendable, Equatable {
    public static let configKeys: Set<String> = [
        "redis_replicas", "redis_wait_timeout_ms", "redis_sentinels", "redis_master_name", "redis_sentinel_password_file",
    ]
    public static let defaultSentinelPort = 26_379

    public var replicas: Int
    public var waitTimeoutMilliseconds: Int
    public var sentinels: [RedisAddress]
    public var masterName: String?
    /// The Sentinels' own `requirepass`; nil asks them without AUTH.
    public var sentinelPassword: String?

    public init(replicas: Int = 0, waitTimeoutMilliseconds: Int = 500, sentinels: [RedisAddress] = [],
                masterName: String? = nil, sentinelPassword: String? = nil) {
        self.replicas = replicas
        self.waitTimeoutMilliseconds = waitTimeoutMilliseconds
        self.sentinels = sentinels
        self.masterName = masterName
        self.sentinelPassword = sentinelPassword
    }

    public var usesSentinels: Bool { !sentinels.isEmpty }
}

/// A `host:port` of a Redis or a Sentinel; an IPv6 host in brackets.
public struct RedisAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `host:port, host:port, …` (the port defaults to `defaultPort`); the message of a failure
    /// names the entry that is wrong.
    public static func list(_ text: String, defaultPort: Int) throws(ConfigError) -> [RedisAddress] {
        var addresses: [RedisAddress] = []
        for entry in text.split(separator: ",") {
            let item = Substring(String(entry).trimmed())
            guard !item.isEmpty else { continue }
            let address = try parse(item, defaultPort: defaultPort)
            if !addresses.contains(address) { addresses.append(address) }
        }
        guard !addresses.isEmpty else {
            throw ConfigError("give at least one Sentinel as host:port, e.g. 10.0.0.21:26379, 10.0.0.22:26379, 10.0.0.23:26379")
        }
        return addresses
    }

    static func parse(_ item: Substring, defaultPort: Int) throws(ConfigError) -> RedisAddress {
        var host = item
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw ConfigError("'\(item)': an IPv6 host needs its closing ']'") }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ConfigError("'\(item)': expected :port after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        var port = defaultPort
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw ConfigError("'\(item)': the port is a number from 1 to 65535")
            }
            port = number
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") }) else {
            throw ConfigError("'\(item)' is not host:port, e.g. 10.0.0.21:26379")
        }
        return RedisAddress(host: String(host), port: port)
    }
}
