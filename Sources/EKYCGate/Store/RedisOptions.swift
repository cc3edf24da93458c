/// Where the Redis token store lives and how to reach it, from `store = redis://…`.
/// The URL form is the one Redis clients share: `redis://[[user]:password@]host[:port][/db]`.
public struct RedisOptions: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var database: Int
    /// Redis 6 ACL user; nil authenticates as `default` (plain `requirepass`).
    public var username: String?
    public var password: String?
    public var connectTimeoutMilliseconds: Int
    public var commandTimeoutMilliseconds: Int
    /// Replicas a write waits for, and the Sentinels that name the primary (none by default).
    public var replication = RedisReplication()

    public init(host: String, port: Int = 6379, database: Int = 0, username: String? = nil, password: String? = nil,
                connectTimeoutMilliseconds: Int = 500, commandTimeoutMilliseconds: Int = 1_000) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.commandTimeoutMilliseconds = commandTimeoutMilliseconds
    }

    /// The URL without its password, for messages and logs.
    public var redacted: String {
        let user = username.map { "\($0):***@" } ?? (password != nil ? ":***@" : "")
        if replication.usesSentinels {
            let sentinels = replication.sentinels.map(\.description).joined(separator: ",")
            return "redis://\(user)\(replication.masterName ?? "?")/\(database) (master named by sentinels \(sentinels))"
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "redis://\(user)\(hostPart):\(port)/\(database)"
    }

    public static func isRedisURL(_ text: String) -> Bool {
        text.hasPrefix("redis://") || text.hasPrefix("rediss://")
    }

    /// Parses a `redis://` URL; the message of a failure says what is wrong and never repeats the password.
    public init(url text: String) throws(ConfigError) {
        if text.hasPrefix("rediss://") {
            throw ConfigError("rediss:// (Redis over TLS) is not supported: Debian 12's libhiredis-dev (0.14) has no TLS. Reach a TLS-only Redis through a local stunnel or spiped on 127.0.0.1 and use redis://127.0.0.1:PORT, or keep Redis on a private network")
        }
        guard text.hasPrefix("redis://") else {
            throw ConfigError("a Redis store is redis://[[user]:password@]host[:port][/db], got a URL of another scheme")
        }
        var rest = Substring(text.dropFirst("redis://".count))
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            throw ConfigError("a Redis store URL takes no query (\(rest[query...].prefix(1))…); set timeouts with redis_connect_timeout_ms and redis_timeout_ms")
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                let user = userinfo[..<colon]
                username = user.isEmpty ? nil : try Self.percentDecoded(user, what: "user name")
                password = try Self.percentDecoded(userinfo[userinfo.index(after: colon)...], what: "password")
            } else if !userinfo.isEmpty {
                // `redis://user@host`: a user name, its password in redis_password_file (as in
                // redis-py, node-redis and go-redis).
                username = try Self.percentDecoded(userinfo, what: "user name")
            }
            if password?.isEmpty == true { password = nil }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), (0...9_999).contains(number) else {
                    throw ConfigError("the Redis database after the host is a number such as /0, got '/\(path)'")
                }
                database = number
            }
        }
        var host = rest
        var port = 6379
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw ConfigError("an IPv6 Redis host needs its closing ']'") }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ConfigError("expected :port after the IPv6 Redis host") }
                port = try Self.port(after.dropFirst())
            }
        } else if let colon = host.lastIndex(of: ":") {
            port = try Self.port(host[host.index(after: colon)...])
            host = host[..<colon]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") }) else {
            throw ConfigError("the Redis host is missing or not a host name or address: redis://HOST:6379/0")
        }
        self.init(host: String(host), port: port, database: database, username: username, password: password)
    }

    private static func port(_ text: Substring) throws(ConfigError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw ConfigError("the Redis port is a number from 1 to 65535, got '\(text)'")
        }
        return port
    }

    /// `%40` and friends, so a password may hold any character.
    static func percentDecoded(_ text: Substring, what: String) throws(ConfigError) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else {
                    throw ConfigError("the Redis \(what) in the URL has a '%' not followed by two hex digits; write '%' as %25")
                }
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
