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
        let proxies = try file.addressPatterns("trusted_proxies")
        self.init(
            apiBudget: try file.rate("api_budget", default: d.apiBudget),
            startPerLink: try file.rate("limit_start_per_link", default: d.startPerLink),
            startPerSession: try file.rate("limit_start_per_session", default: d.startPerSession),
            startPerAddress: try file.rate("limit_start_per_address", default: d.startPerAddress),
            readPerSession: try file.rate("limit_read_per_session", default: d.readPerSession),
            readPerLink: try file.rate("limit_read_per_link", default: d.readPerLink),
            readPerAddress: try file.rate("limit_read_per_address", default: d.readPerAddress),
            pendingRecheckSeconds: try file.seconds("pending_recheck", default: d.pendingRecheckSeconds, range: 1...600),
            trustedProxies: proxies,
            maxLinkLifetimeSeconds: try file.seconds("max_link_lifetime", default: d.maxLinkLifetimeSeconds, range: 60...(366 * 86_400)))
    }
}
