/// Where and how final results are posted to the merchant's backend: the receiver's URL, the
/// key the events are signed with, and the delivery schedule. `nil` in `HandlerConfig` when
/// `webhook_url` is unset (no events are enqueued then).
public struct Webhooks: Sendable, Equatable {
    public var url: String
    /// Signs every event (`WebhookSignature`); the receiver holds it too.
    public var key: String
    /// Deadline of one delivery attempt, connection included.
    public var timeoutMilliseconds: Int
    /// The first retry waits this long; each next one twice as long, up to `retryMaxSeconds`.
    public var retryBaseSeconds: Int64
    public var retryMaxSeconds: Int64
    /// After this long since the result, an event that was never acknowledged is given up.
    public var giveUpSeconds: Int64

    public static let configKeys: Set<String> = [
        "webhook_url", "webhook_key", "webhook_timeout", "webhook_retry_base", "webhook_retry_max", "webhook_give_up",
    ]

    /// Defaults for everything but the URL and the key. A day of retries spans about 30 of
    /// them once the hourly cap is reached; three days is as long as a result can be read.
    public static let defaultTimeoutMilliseconds = 10_000
    public static let defaultRetryBaseSeconds: Int64 = 30
    public static let defaultRetryMaxSeconds: Int64 = 3_600
    public static let defaultGiveUpSeconds = TokenRecord.retentionSeconds

    public init(url: String, key: String, timeoutMilliseconds: Int = defaultTimeoutMilliseconds,
                retryBaseSeconds: Int64 = defaultRetryBaseSeconds, retryMaxSeconds: Int64 = defaultRetryMaxSeconds,
                giveUpSeconds: Int64 = defaultGiveUpSeconds) {
        self.url = url
        self.key = key
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retryBaseSeconds = retryBaseSeconds
        self.retryMaxSeconds = retryMaxSeconds
        self.giveUpSeconds = giveUpSeconds
    }

    /// A receiver may be plain http only on this machine (the demo, tests): anywhere else the
    /// event and its signature would cross the network in the clear.
    public static func isAcceptable(_ url: AbsoluteURL) -> Bool {
        guard !url.rest.contains("#") else { return false }
        if url.scheme == "https" { return true }
        return url.host == "localhost" || loopback?.matches(url.host) == true
    }

    private static let loopback = AddressPattern("127.0.0.0/8")
}

extension Webhooks {
    /// The webhook keys of `file`, with `key` from the secret file (else the config); nil when
    /// `webhook_url` is unset. `linkKey` is only compared: the two keys must differ.
    public init?(config file: ConfigFile, key: String?, linkKey: String?) throws(ConfigError) {
        guard let url = file.optionalString("webhook_url") else {
            for setting in Self.configKeys.sorted() where setting != "webhook_key" && file.optionalString(setting) != nil {
                throw ConfigError("\(file.origin(of: setting)): \(setting) applies only with webhook_url; set webhook_url or remove \(setting)")
            }
            return nil
        }
        guard let parsed = AbsoluteURL(url), Self.isAcceptable(parsed) else {
            throw ConfigError("\(file.origin(of: "webhook_url")): webhook_url must be an https URL such as https://shop.example.com/ekyc/webhook (plain http only to localhost or 127.0.0.0/8, for demos and tests), got '\(url)'")
        }
        guard let key else {
            throw ConfigError("\(file.origin(of: "webhook_url")): webhook_url needs webhook_key, the key events are signed with: add 'webhook_key = …' (at least 32 random characters, e.g. from: openssl rand -hex 32) to secret_file")
        }
        guard key.utf8.count >= 32 else {
            throw ConfigError("webhook_key is \(key.utf8.count) bytes; use at least 32 random characters, e.g. from: openssl rand -hex 32")
        }
        guard key != linkKey else {
            throw ConfigError("webhook_key must differ from link_key: the receiver of the webhooks holds webhook_key, and with link_key it could sign start links; make a new one with: openssl rand -hex 32")
        }
        let base = try file.seconds("webhook_retry_base", default: Self.defaultRetryBaseSeconds, range: 1...3_600)
        let most = try file.seconds("webhook_retry_max", default: max(base, Self.defaultRetryMaxSeconds), range: 1...86_400)
        guard most >= base else {
            throw ConfigError("\(file.origin(of: "webhook_retry_max")): webhook_retry_max (\(most) s) must be at least webhook_retry_base (\(base) s)")
        }
        self.init(url: url, key: key,
                  timeoutMilliseconds: Int(try file.seconds("webhook_timeout", default: Int64(Self.defaultTimeoutMilliseconds / 1000), range: 1...60)) * 1000,
                  retryBaseSeconds: base, retryMaxSeconds: most,
                  giveUpSeconds: try file.seconds("webhook_give_up", default: Self.defaultGiveUpSeconds, range: 60...Self.defaultGiveUpSeconds))
    }
}
