/// How much of Tencent's quota the handlers may spend, and each client's fair share of it.
/// Tencent allows 20 calls/s per API for the whole account; a stranger must not be able to
/// spend it, so every API call is counted first against the caller's shares (the signed link,
/// the browser session, the client address) and then against the budget for that API.
/// `nil` turns one limit off.
public struct Limits: Sendable, Equatable {
    /// Calls per second per API action, for every process (file store) or node (Redis) together.
    public var apiBudget: Rate?
    /// Apply calls (new verifications) per signed link, per browser session, per client address.
    public var startPerLink: Rate?
    public var startPerSession: Rate?
    public var startPerAddress: Rate?
    /// Result calls per browser session, per signed result request, per client address.
    public var readPerSession: Rate?
    public var readPerLink: Rate?
    public var readPerAddress: Rate?
    /// A pending result is asked of Tencent at most once per this many seconds per token.
    public var pendingRecheckSeconds: Int64
    /// Proxies whose `X-Forwarded-For` names the client; empty: the client is `REMOTE_ADDR`.
    public var trustedProxies: [AddressPattern]
    /// A signed link or result request may not expire further out than this.
    public var maxLinkLifetimeSeconds: Int64

    public static let defaults = Limits(
        apiBudget: .perSecond(15),
        startPerLink: Rate(count: 3, periodMilliseconds: 600_000),
        startPerSession: Rate(count: 3, periodMilliseconds: 600_000),
        startPerAddress: Rate(count: 30, periodMilliseconds: 600_000),
        readPerSession: Rate(count: 30, periodMilliseconds: 60_000),
        readPerLink: Rate(count: 30, periodMilliseconds: 60_000),
        readPerAddress: Rate(count: 120, periodMilliseconds: 60_000),
        pendingRecheckSeconds: 3,
        trustedProxies: [],
        maxLinkLifetimeSeconds: 86_400)

    public static let configKeys: Set<String> = [
        "api_budget", "limit_start_per_link", "limit_start_per_session", "limit_start_per_address",
        "limit_read_per_session", "limit_read_per_link", "limit_read_per_address", "pending_recheck",
        "trusted_proxies", "max_link_lifetime",
    ]

    public init(apiBudget: Rate?, startPerLink: Rate?, startPerSession: Rate?, startPerAddress: Rate?,
                readPerSession: Rate?, readPerLink: Rate?, readPerAddress: Rate?, pendingRecheckSeconds: Int64,
                trustedProxies: [AddressPattern], maxLinkLifetimeSeconds: Int64) {
        self.apiBudget = apiBudget
        self.startPerLink = startPerLink
        self.startPerSession = startPerSession
        self.startPerAddress = startPerAddress
        self.readPerSession = readPerSession
        self.readPerLink = readPerLink
        self.readPerAddress = readPerAddress
        self.pendingRecheckSeconds = pendingRecheckSeconds
        self.trustedProxies = trustedProxies
        self.maxLinkLifetimeSeconds = maxLinkLifetimeSeconds
    }
}

extension Limits {
    public init(config file: ConfigFile) throws(ConfigError) {
        let d = Self.defaults
        func rate(_ key: String, _ fallback: Rate?) throws(ConfigError) -> Rate? {
            guard let text = file.optionalString(key) else { return fallback }
            if ConfigFile.parseBool(text) == false { return nil }
            guard let rate = Rate(parsing: text) else {
                throw ConfigError("\(file.origin(of: key)): '\(key) = \(text)' must be a rate such as 15/s, 3/10m or 120/h, or off")
            }
            return rate
        }
        var proxies: [AddressPattern] = []
        for item in (file.optionalString("trusted_proxies") ?? "").split(separator: ",") {
            guard let pattern = AddressPattern(String(item)) else {
                throw ConfigError("\(file.origin(of: "trusted_proxies")): '\(item.trimmed())' is not an address (10.0.0.5, ::1) or IPv4 network (10.0.0.0/8)")
            }
            proxies.append(pattern)
        }
        self.init(
            apiBudget: try rate("api_budget", d.apiBudget),
            startPerLink: try rate("limit_start_per_link", d.startPerLink),
            startPerSession: try rate("limit_start_per_session", d.startPerSession),
            startPerAddress: try rate("limit_start_per_address", d.startPerAddress),
            readPerSession: try rate("limit_read_per_session", d.readPerSession),
            readPerLink: try rate("limit_read_per_link", d.readPerLink),
            readPerAddress: try rate("limit_read_per_address", d.readPerAddress),
            pendingRecheckSeconds: try file.seconds("pending_recheck", default: d.pendingRecheckSeconds, range: 1...600),
            trustedProxies: proxies,
            maxLinkLifetimeSeconds: try file.seconds("max_link_lifetime", default: d.maxLinkLifetimeSeconds, range: 60...(366 * 86_400)))
    }
}
