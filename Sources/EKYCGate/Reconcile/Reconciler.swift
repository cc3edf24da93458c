import FastCGI

/// Asks Tencent about the verifications no browser came back for: a user who passed and closed
/// the tab, an in-app browser that lost the redirect. Tencent keeps a result readable for 3 days
/// and never calls back, so without this the merchant's backend would never learn it.
///
/// A round lists the store, takes the pending verifications oldest first, and asks about those
/// that are due (`step`). A final answer is stored by `ResultRecorder`, exactly as the callback
/// stores it (and its webhook event enqueued); a pending one moves the record's `checkedAt` on.
/// Every call passes `QuotaGuard`: the reconciler's own share (`reconcile_rate`), where it waits
/// its turn, and then the site's `api_budget`, where it stops the round, since the budget left
/// belongs to users waiting on their callback. With an outbox, a final record whose event is
/// missing (its enqueue failed after the result was stored) gets it now.
public struct Reconciler {
    /// Checks become rarer as a verification ages: at most every tenth of its age. A result that
    /// appears late is still found within a tenth of the verification's age, and one the user
    /// left on Tencent's page costs tens of calls over its 3 days, not one per `reconcile_every`.
    static let ageDivisor: Int64 = 10
    /// A pending verification is ended this long before its record's retention ends: Redis drops
    /// a record at `keepUntil`, and the expired record must still be there when its event is
    /// delivered. A user finishes within minutes of starting, so no result is given up.
    static let endBeforeRetentionSeconds: Int64 = 3_600

    /// What a round does with one pending record now.
    enum Step: Equatable {
        /// Not due: too young, or asked about recently.
        case wait
        case ask
        /// Past its retention: ended as expired without a call.
        case expire
    }

    public let store: any TokenStore
    public let api: any FaceIDAPI
    public let recorder: ResultRecorder
    public let quota: QuotaGuard
    public let settings: ReconcileSettings
    /// Unix milliseconds.
    public let clock: @Sendable () -> Int64
    /// Waits this many milliseconds (0: only looks); false when the process is asked to stop,
    /// which ends the round.
    public let pause: (Int64) -> Bool

    public init(store: any TokenStore, api: any FaceIDAPI, events: (any EventOutbox)? = nil, limiter: any RateLimiter,
                limits: Limits, settings: ReconcileSettings, clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds,
                pause: @escaping (Int64) -> Bool) {
        self.store = store
        self.api = api
        self.recorder = ResultRecorder(store: store, events: events)
        self.quota = QuotaGuard(limiter: limiter, limits: limits, clock: clock)
        self.settings = settings
        self.clock = clock
        self.pause = pause
    }

    static func step(_ record: TokenRecord, now: Int64, settings: ReconcileSettings) -> Step {
        if now >= record.keepUntil.saturatingSubtract(endBeforeRetentionSeconds) { return .expire }
        let age = now.saturatingSubtract(record.created)
        guard age >= settings.firstCheckAfterSeconds else { return .wait }
        guard let checked = record.checkedAt else { return .ask }
        return now.saturatingSubtract(checked) >= max(settings.everySeconds, age / ageDivisor) ? .ask : .wait
    }

    /// One round; it asks nothing after `deadline` (Unix milliseconds) and leaves the rest to
    /// the next round.
    public func round(deadline: Int64) -> ReconcileRound {
        let started = clock()
        var round = ReconcileRound()
        defer { round.milliseconds = clock() - started }
        var pending: [String: TokenRecord] = [:]
        do {
            try store.forEachRecord { record in
                guard record.isVerification else { return }
                if record.status.isFinal {
                    requeueEvent(of: record, into: &round)
                } else {
                    // Keyed by token: a listing may visit a record twice.
                    pending[record.token] = record
                }
            }
        } catch {
            round.stopped = "the store cannot be listed: \(error.description)"
            round.failed = true
            return round
        }
        round.listed = pending.count
        for record in pending.values.sorted(by: { ($0.created, $0.token) < ($1.created, $1.token) }) {
            switch Self.step(record, now: clock() / 1000, settings: settings) {
            case .wait:
                continue
            case .expire:
                keep(ResultRecorder.expired(record, now: clock() / 1000), into: &round)
            case .ask:
                round.due += 1
                if round.stopped == nil, let stop = admit(deadline: deadline) { round.stopped = stop }
                if round.stopped != nil {
                    round.deferred += 1
                } else {
                    ask(record, into: &round)
                }
            }
        }
        return round
    }

    /// Nil when a call may go out now (counted against the share and the budget); otherwise why
    /// the round stops.
    private func admit(deadline: Int64) -> String? {
        let share = QuotaGuard.Share("reconciler", key: "rounds", rate: settings.rate)
        while true {
            guard clock() < deadline else { return "the round's time is up; the next round goes on" }
            guard pause(0) else { return "asked to stop" }
            switch quota.decide(.getResult, shares: [share]) {
            case .allowed:
                return nil
            case let .share(_, rate, decision):
                // The reconciler's own pace: wait for its next turn, within the round.
                guard clock().saturatingAdd(decision.retryAfterMilliseconds) < deadline else {
                    return "the round's time is up at reconcile_rate \(rate); the next round goes on"
                }
                guard pause(decision.retryAfterMilliseconds) else { return "asked to stop" }
            case let .budget(rate, decision):
                return "api_budget \(rate) is in use; the rest is left to live users for \(decision.retryAfterSeconds) s and to the next round"
            case .unavailable(let error):
                return "the API budget cannot be checked, so nothing is asked: \(error.description)"
            }
        }
    }

    private func ask(_ record: TokenRecord, into round: inout ReconcileRound) {
        round.checked += 1
        let answer: GetResultResponse
        do { answer = try api.getResult(bizToken: record.token) } catch {
            if let expired = ResultRecorder.verdict(record, error: error, now: clock() / 1000) {
                keep(expired, into: &round)
            } else if case let .api(code, _, _) = error, code.hasPrefix("InvalidParameter") {
                // Tencent refuses this one token (not one it issued to this account): asked again
                // only at its next due time, never every round.
                round.errors += 1
                LogLine(event: "reconcile_error", ("token", TokenFormat.logID(record.token)), ("error", error.description)).write()
                markChecked(record, into: &round)
            } else {
                round.stopped = "GetWebVerificationResultIntl failed, so the round stops: \(error.description)"
                round.failed = true
            }
            return
        }
        let now = clock() / 1000
        if let final = ResultRecorder.verdict(record, answer: answer, now: now) {
            keep(final, into: &round)
        } else {
            round.pending += 1
            markChecked(record, into: &round)
        }
    }

    private func markChecked(_ record: TokenRecord, into round: inout ReconcileRound) {
        var checked = record
        checked.checkedAt = clock() / 1000
        // A save over a final record leaves it as it is: a callback that stored a result
        // meanwhile keeps it.
        do { try store.save(checked) } catch { storeFailed(error, into: &round) }
    }

    private func keep(_ final: TokenRecord, into round: inout ReconcileRound) {
        do {
            let stored = try recorder.keep(final, now: clock() / 1000)
            if stored.status == .expired { round.expired += 1 } else { round.finalized += 1 }
        } catch {
            storeFailed(error, into: &round)
        }
    }

    private func storeFailed(_ error: StoreError, into round: inout ReconcileRound) {
        if round.stopped == nil { round.stopped = "the store failed, so the round stops: \(error.description)" }
        round.failed = true
    }

    /// Enqueues the event of a final record unless the outbox has it (`enqueue` adds only what
    /// is missing, so this is safe for every final record, every round).
    private func requeueEvent(of record: TokenRecord, into round: inout ReconcileRound) {
        guard let events = recorder.events, let event = VerificationEvent(final: record, now: clock() / 1000) else { return }
        do {
            if try events.enqueue(event) { round.requeued += 1 }
        } catch {
            LogLine(event: "outbox_error", ("token", TokenFormat.logID(record.token)), ("error", error.description)).write()
            round.failed = true
        }
    }
}
