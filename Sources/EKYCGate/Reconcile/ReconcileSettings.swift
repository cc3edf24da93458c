/// When the reconciler asks Tencent about a verification no browser came back for, and how much
/// of the result budget it may take. docs/CONFIGURATION.md has the keys and what they cost.
public struct ReconcileSettings: Sendable, Equatable {
    /// A verification is first asked about this long after it started: before that the user is
    /// still on Tencent's page, and the browser's own callback usually comes first.
    public var firstCheckAfterSeconds: Int64
    /// A pending verification is asked at most this often (and more rarely as it ages).
    public var everySeconds: Int64
    /// The reconciler's own share of the result budget, so a backlog never takes the whole
    /// `api_budget` from users waiting on their callback; nil: only `api_budget` bounds it.
    public var rate: Rate?
    /// `ekyc-start reconcile` without `--once`: the time from the end of a round to the next.
    public var intervalSeconds: Int64

    public static let defaults = ReconcileSettings(firstCheckAfterSeconds: 120, everySeconds: 300, rate: .perSecond(2), intervalSeconds: 30)

    public static let configKeys: Set<String> = ["reconcile_after", "reconcile_every", "reconcile_rate", "reconcile_interval"]
}

extension ReconcileSettings {
    public init(config file: ConfigFile) throws(ConfigError) {
        let d = Self.defaults
        self.init(
            firstCheckAfterSeconds: try file.seconds("reconcile_after", default: d.firstCheckAfterSeconds, range: 0...86_400),
            everySeconds: try file.seconds("reconcile_every", default: d.everySeconds, range: 1...86_400),
            rate: try file.rate("reconcile_rate", default: d.rate),
            intervalSeconds: try file.seconds("reconcile_interval", default: d.intervalSeconds, range: 1...3_600))
    }
}
