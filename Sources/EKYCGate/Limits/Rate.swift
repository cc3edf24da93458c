/// How often something may happen: `count` times per `periodMilliseconds`, and at most `count`
/// at once (the burst). Written in config as `15/s`, `3/10m`, `120/h`, or `off`.
public struct Rate: Sendable, Equatable, CustomStringConvertible {
    public var count: Int64
    public var periodMilliseconds: Int64

    public init(count: Int64, periodMilliseconds: Int64) {
        self.count = max(1, count)
        self.periodMilliseconds = max(1, periodMilliseconds)
    }

    public static func perSecond(_ count: Int64) -> Rate { Rate(count: count, periodMilliseconds: 1000) }

    /// `N/PERIOD` with PERIOD a `ConfigDuration` (`s` alone means one second); nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int64(parts[0].trimmed()), (1...1_000_000).contains(count) else { return nil }
        var period = String(parts[1].trimmed())
        if let unit = period.first, unit.isLetter { period = "1" + period }
        guard let seconds = ConfigDuration.seconds(period), (1...86_400 * 7).contains(seconds) else { return nil }
        self.init(count: count, periodMilliseconds: seconds * 1000)
    }

    /// The steady spacing between two events.
    public var intervalMilliseconds: Int64 { max(1, periodMilliseconds / count) }

    public var description: String {
        let seconds = periodMilliseconds / 1000
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds >= size && seconds % size == 0 {
            return "\(count)/\(seconds == size ? "" : String(seconds / size))\(unit)"
        }
        return "\(count)/\(seconds == 1 ? "" : String(seconds))s"
    }
}

/// What a limiter answered for one event.
public struct LimitDecision: Sendable, Equatable {
    public var allowed: Bool
    /// When refused, how long until the same event would be allowed.
    public var retryAfterMilliseconds: Int64

    public static let allow = LimitDecision(allowed: true, retryAfterMilliseconds: 0)

    public static func refuse(retryAfterMilliseconds: Int64) -> LimitDecision {
        LimitDecision(allowed: false, retryAfterMilliseconds: max(1, retryAfterMilliseconds))
    }

    /// Whole seconds for a `Retry-After` header, rounded up, at least 1.
    public var retryAfterSeconds: Int64 { max(1, retryAfterMilliseconds.saturatingAdd(999) / 1000) }
}

/// The generic cell rate algorithm (the leaky bucket as a meter): one number per key, the
/// theoretical arrival time (TAT) of the next event. An event is allowed when the TAT, pushed
/// one interval on, stays within `count` intervals of now; the stored TAT is then that new one.
/// One number means every backend (memory, a file slot, a Redis key) keeps the same state,
/// and a key whose TAT has passed is the same as a key never seen, so it can be forgotten.
public enum GCRA {
    /// The decision and the TAT to store (nil when refused: the stored one stays).
    public static func decide(storedTAT: Int64?, now: Int64, rate: Rate) -> (decision: LimitDecision, newTAT: Int64?) {
        let interval = rate.intervalMilliseconds
        let tolerance = interval.saturatingMultiply(rate.count)
        let tat = max(storedTAT ?? now, now)
        let next = tat.saturatingAdd(interval)
        let ahead = next.saturatingSubtract(now)
        if ahead > tolerance {
            return (.refuse(retryAfterMilliseconds: ahead.saturatingSubtract(tolerance)), nil)
        }
        return (.allow, next)
    }
}
