extension RedisOptions {
    /// `store = redis://…` with `redis_password_file` (read by `ReferencedFiles.load`),
    /// `redis_connect_timeout_ms` and `redis_timeout_ms`, each checked with a message that
    /// names the key.
    init(config file: ConfigFile, url: String, files: ReferencedFiles) throws(ConfigError) {
        do { try self.init(url: url) } catch {
            throw ConfigError("\(file.origin(of: "store")): store: \(error.message)")
        }
        if let path = file.optionalString("redis_password_file") {
            guard password == nil else {
                throw ConfigError("\(file.origin(of: "redis_password_file")): the password is given twice, in the store URL and in redis_password_file; keep the file")
            }
            guard let text = files.redisPasswordFile else {
                throw ConfigError("\(file.origin(of: "redis_password_file")): redis_password_file \(path) was not read; load the config with HandlerConfig.load")
            }
            password = try Self.password(fromFile: text, path: path, origin: file.origin(of: "redis_password_file"))
        }
        if let username, password == nil {
            throw ConfigError("\(file.origin(of: "store")): the Redis user '\(username)' needs a password: redis://\(username):PASSWORD@… or redis_password_file")
        }
        connectTimeoutMilliseconds = try file.int("redis_connect_timeout_ms", default: 500, range: 10...10_000)
        commandTimeoutMilliseconds = try file.int("redis_timeout_ms", default: 1_000, range: 10...30_000)
    }

    /// The password alone on the file's first line, as `requirepass` takes it.
    static func password(fromFile text: String, path: String, origin: String) throws(ConfigError) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
        let password = String(line).trimmed()
        guard !password.isEmpty else {
            throw ConfigError("\(origin): redis_password_file \(path) is empty; put the Redis password on its first line")
        }
        return password
    }
}
