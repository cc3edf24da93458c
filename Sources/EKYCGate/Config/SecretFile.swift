#if canImport(Glibc)
import Glibc
#endif

/// The secrets a handler holds: the API key pair and, for signed start links, the link key;
/// for webhooks, the key events are signed with.
public struct Secrets: Sendable {
    public var credentials: Credentials
    public var linkKey: String?
    public var webhookKey: String?
}

/// Loads credentials: `secret_file` (a `key = value` file with `secret_id` and `secret_key`,
/// not readable by other users), else `secret_id`/`secret_key` in the config, else
/// `TENCENTCLOUD_SECRET_ID`/`TENCENTCLOUD_SECRET_KEY` as in Tencent's samples.
public enum SecretLoader {
    public static func credentials(from config: ConfigFile, environment: [String: String]) throws(ConfigError) -> Credentials {
        try secrets(from: config, environment: environment).credentials
    }

    /// Credentials plus `link_key` and `webhook_key` (each from the secret file, else the config
    /// or `EKYC_LINK_KEY` / `EKYC_WEBHOOK_KEY`).
    public static func secrets(from config: ConfigFile, environment: [String: String]) throws(ConfigError) -> Secrets {
        if let path = config.optionalString("secret_file") {
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw ConfigError("\(config.origin(of: "secret_file")): cannot read secret_file \(path): \(String(cString: strerror(errno)))")
            }
            if info.st_mode & S_IROTH != 0 || info.st_mode & S_IWOTH != 0 {
                throw ConfigError("secret_file \(path) is readable by other users; run: chmod 600 \(path)")
            }
            let file = try ConfigFile.load(path: path)
            try file.rejectUnknownKeys(["secret_id", "secret_key", "link_key", "webhook_key"])
            return Secrets(credentials: Credentials(secretId: try file.string("secret_id"), secretKey: try file.string("secret_key")),
                           linkKey: file.optionalString("link_key") ?? config.optionalString("link_key"),
                           webhookKey: file.optionalString("webhook_key") ?? config.optionalString("webhook_key"))
        }
        let id = config.optionalString("secret_id") ?? environment["TENCENTCLOUD_SECRET_ID"]
        let key = config.optionalString("secret_key") ?? environment["TENCENTCLOUD_SECRET_KEY"]
        guard let id, !id.isEmpty, let key, !key.isEmpty else {
            throw ConfigError("no API credentials: set secret_file = /etc/ekyc/secret.conf (mode 600, with secret_id and secret_key), or TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY")
        }
        return Secrets(credentials: Credentials(secretId: id, secretKey: key), linkKey: config.optionalString("link_key"),
                       webhookKey: config.optionalString("webhook_key"))
    }
}
