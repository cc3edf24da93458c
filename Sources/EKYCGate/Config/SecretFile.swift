#if canImport(Glibc)
import Glibc
#endif

/// The secrets a handler holds: the API key pair and, for signed start links, the link key;
/// for webhooks, the key events are signed with.
public struct Secrets: Sendable {
    public var credentials: Credentials
    public var linkKey: String?
    public var webhookKey: String?

    /// From the secret file's values (`secret_id`, `secret_key`, `link_key`, `webhook_key`),
    /// else the config's, else `TENCENTCLOUD_SECRET_ID`/`TENCENTCLOUD_SECRET_KEY` as in
    /// Tencent's samples. Pure: the secret file was read by `ReferencedFiles.load`.
    public init(config: ConfigFile, files: ReferencedFiles, environment: [String: String]) throws(ConfigError) {
        if let path = config.optionalString("secret_file") {
            guard let file = files.secretFile, file.path == path else {
                throw ConfigError("\(config.origin(of: "secret_file")): secret_file \(path) was not read; load the config with HandlerConfig.load")
            }
            try file.rejectUnknownKeys(["secret_id", "secret_key", "link_key", "webhook_key"])
            self.init(credentials: Credentials(secretId: try file.string("secret_id"), secretKey: try file.string("secret_key")),
                      linkKey: file.optionalString("link_key") ?? config.optionalString("link_key"),
                      webhookKey: file.optionalString("webhook_key") ?? config.optionalString("webhook_key"))
            return
        }
        let id = config.optionalString("secret_id") ?? environment["TENCENTCLOUD_SECRET_ID"]
        let key = config.optionalString("secret_key") ?? environment["TENCENTCLOUD_SECRET_KEY"]
        guard let id, !id.isEmpty, let key, !key.isEmpty else {
            throw ConfigError("no API credentials: set secret_file = /etc/ekyc/secret.conf (mode 600, with secret_id and secret_key), or TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY")
        }
        self.init(credentials: Credentials(secretId: id, secretKey: key), linkKey: config.optionalString("link_key"),
                  webhookKey: config.optionalString("webhook_key"))
    }

    init(credentials: Credentials, linkKey: String?, webhookKey: String?) {
        self.credentials = credentials
        self.linkKey = linkKey
        self.webhookKey = webhookKey
    }
}

/// The files a config file names, read in the one loading step after parsing: `secret_file`
/// (itself `key = value`), `redis_password_file` and `redis_sentinel_password_file`. Everything
/// that checks their contents is pure and takes this value.
public struct ReferencedFiles: Sendable {
    public var secretFile: ConfigFile?
    /// The whole text of `redis_password_file`.
    public var redisPasswordFile: String?
    /// The whole text of `redis_sentinel_password_file`.
    public var sentinelPasswordFile: String?

    public init(secretFile: ConfigFile? = nil, redisPasswordFile: String? = nil, sentinelPasswordFile: String? = nil) {
        self.secretFile = secretFile
        self.redisPasswordFile = redisPasswordFile
        self.sentinelPasswordFile = sentinelPasswordFile
    }

    /// Reads each file `config` names; each must be private to its owner.
    public static func load(for config: ConfigFile) throws(ConfigError) -> ReferencedFiles {
        var files = ReferencedFiles()
        if let path = config.optionalString("secret_file") {
            let bytes = try privateFile(path, key: "secret_file", origin: config.origin(of: "secret_file"), limit: 1 << 20)
            files.secretFile = try ConfigFile(parsing: bytes, path: path)
        }
        if let path = config.optionalString("redis_password_file") {
            let bytes = try privateFile(path, key: "redis_password_file", origin: config.origin(of: "redis_password_file"), limit: 4096)
            files.redisPasswordFile = String(decoding: bytes, as: UTF8.self)
        }
        if let path = config.optionalString("redis_sentinel_password_file") {
            let bytes = try privateFile(path, key: "redis_sentinel_password_file",
                                        origin: config.origin(of: "redis_sentinel_password_file"), limit: 4096)
            files.sentinelPasswordFile = String(decoding: bytes, as: UTF8.self)
        }
        return files
    }

    /// The bytes of a file that holds a secret, refused when other users may read or write it.
    static func privateFile(_ path: String, key: String, origin: String, limit: Int) throws(ConfigError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConfigError("\(origin): cannot read \(key) \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_mode & S_IROTH != 0 || info.st_mode & S_IWOTH != 0 {
            throw ConfigError("\(key) \(path) is readable by other users; run: chmod 600 \(path)")
        }
        do { return try FileReading.bytes(atPath: path, limit: limit) } catch {
            throw ConfigError("\(origin): cannot read \(key) \(path): \(error.reason)")
        }
    }
}
