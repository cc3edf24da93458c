import FastCGI

/// The one gate in front of every API call. A call is counted first against each of the
/// caller's shares (its signed link, its browser session, its address), so a hostile client
/// runs out of its own share long before it touches anyone else's, and then against the
/// budget of that API, which bounds what the whole site sends Tencent. Refused: 429 with
/// `Retry-After`, before anything was sent.
public struct QuotaGuard: Sendable {
    public enum Action: String, Sendable {
        case apply = "ApplyWebVerificationBizTokenIntl"
        case getResult = "GetWebVerificationResultIntl"

        var keyPrefix: String { self == .apply ? "start" : "read" }
    }

    /// One share: what it is counted by (for the message), the key, and its rate (nil: unlimited).
    public struct Share: Sendable {
        public var what: String
        public var key: String
        public var rate: Rate?

        public init(_ what: String, key: String, rate: Rate?) {
            self.what = what
            self.key = key
            self.rate = rate
        }
    }

    public let limiter: any RateLimiter
    public let limits: Limits
    public let clock: @Sendable () -> Int64

    public init(limiter: any RateLimiter, limits: Limits, clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds) {
        self.limiter = limiter
        self.limits = limits
        self.clock = clock
    }

    /// What the guard decided about one call, before it is worded as an answer.
    enum Decision {
        case allowed
        /// One of the caller's shares is used up (`share` names it).
        case share(Share, rate: Rate, LimitDecision)
        /// The budget of the API is used up.
        case budget(rate: Rate, LimitDecision)
        /// The limiter's state cannot be reached, so nothing may be sent.
        case unavailable(StoreError)
    }

    /// Counts the call against each share, then the budget; `.allowed` when it may go out (it
    /// has been counted). The handlers answer any other decision (`admit`); the reconciler
    /// waits for its own share and stops at the budget.
    func decide(_ action: Action, shares: [Share]) -> Decision {
        let now = clock()
        do {
            for share in shares {
                guard let rate = share.rate else { continue }
                let decision = try limiter.take("\(action.keyPrefix):\(share.what):\(share.key)", rate: rate, now: now)
                if !decision.allowed { return .share(share, rate: rate, decision) }
            }
            if let budget = limits.apiBudget {
                let decision = try limiter.take("api:\(action.rawValue)", rate: budget, now: now)
                if !decision.allowed { return .budget(rate: budget, decision) }
            }
            return .allowed
        } catch {
            return .unavailable(error)
        }
    }

    /// Nil when the call may go out (and has been counted); otherwise the answer to give.
    func admit(_ action: Action, shares: [Share]) -> Refusal? {
        switch decide(action, shares: shares) {
        case .allowed:
            return nil
        case let .share(share, rate, decision):
            let verb = action == .apply ? "verifications were started" : "results were asked for"
            return Refusal(429, "rate_limited",
                           "too many \(verb) from this \(share.what) (at most \(rate)); try again in \(decision.retryAfterSeconds) s",
                           headers: [("Retry-After", String(decision.retryAfterSeconds))])
        case let .budget(budget, decision):
            return Refusal(429, "api_budget",
                           "this site is at its eKYC API budget (\(budget) for \(action.rawValue)); try again in \(decision.retryAfterSeconds) s",
                           headers: [("Retry-After", String(decision.retryAfterSeconds))])
        case .unavailable(let error):
            return Self.unavailable(error)
        }
    }

    /// Whether a pending result may be asked of the API again now: at most once per
    /// `pendingRecheckSeconds` per token, whoever asks. Refused: the milliseconds to wait.
    func recheck(token: String) -> Result<Void, RecheckRefused> {
        let rate = Rate(count: 1, periodMilliseconds: limits.pendingRecheckSeconds.saturatingMultiply(1000))
        do {
            let decision = try limiter.take("recheck:\(token)", rate: rate, now: clock())
            return decision.allowed ? .success(()) : .failure(.wait(seconds: decision.retryAfterSeconds))
        } catch {
            return .failure(.unavailable(Self.unavailable(error)))
        }
    }

    enum RecheckRefused: Error {
        case wait(seconds: Int64)
        case unavailable(Refusal)
    }

    static func unavailable(_ error: StoreError) -> Refusal {
        Refusal(Answers.storeUnavailable(error, message: "the API budget cannot be checked (the token store is unavailable), so no API call was made; retry shortly",
                                         event: "limiter_error"))
    }
}
