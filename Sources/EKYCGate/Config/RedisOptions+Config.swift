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
        replication = try RedisReplication(config: file, files: files)
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

extension RedisReplication {
    /// `redis_replicas`, `redis_wait_timeout_ms`, `redis_sentinels`, `redis_master_name` and
    /// `redis_sentinel_password_file`.
    init(config file: ConfigFile, files: ReferencedFiles) throws(ConfigError) {
        self.init()
        replicas = try file.int("redis_replicas", default: 0, range: 0...100)
        waitTimeoutMilliseconds = try file.int("redis_wait_timeout_ms", default: 500, range: 1...30_000)
        if let list = file.optionalString("redis_sentinels") {
            do { sentinels = try RedisAddress.list(list, defaultPort: Self.defaultSentinelPort) } catch {
                throw ConfigError("\(file.origin(of: "redis_sentinels")): redis_sentinels: \(error.message)")
            }
            guard let name = file.optionalString("redis_master_name"), !name.isEmpty else {
                throw ConfigError("\(file.origin(of: "redis_sentinels")): redis_sentinels needs redis_master_name, the name the Sentinels monitor the primary under (sentinel monitor NAME …)")
            }
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                throw ConfigError("\(file.origin(of: "redis_master_name")): redis_master_name may hold only letters, digits, '.', '_' and '-'")
            }
            masterName = name
            if let path = file.optionalString("redis_sentinel_password_file") {
                guard let text = files.sentinelPasswordFile else {
                    throw ConfigError("\(file.origin(of: "redis_sentinel_password_file")): redis_sentinel_password_file \(path) was not read; load the config with HandlerConfig.load")
                }
                sentinelPassword = try RedisOptions.password(fromFile: text, path: path, origin: file.origin(of: "redis_sentinel_password_file"))
            }
        } else {
            for key in ["redis_master_name", "redis_sentinel_password_file"] where file.optionalString(key) != nil {
                throw ConfigError("\(file.origin(of: key)): \(key) applies only with redis_sentinels = host:port, …")
            }
        }
    }
}
