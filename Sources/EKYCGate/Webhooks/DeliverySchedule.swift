/// When a webhook that was not acknowledged is tried again: exponential backoff from
/// `webhook_retry_base`, doubled per failed attempt up to `webhook_retry_max`, each wait drawn
/// between half and all of that (jitter, so events that failed together do not retry
/// together), and a last attempt exactly at the give-up time, `webhook_give_up` after the result.
public struct DeliverySchedule: Sendable, Equatable {
    public var baseSeconds: Int64
    public var maxSeconds: Int64
    public var giveUpSeconds: Int64

    public init(_ webhooks: Webhooks) {
        baseSeconds = webhooks.retryBaseSeconds
        maxSeconds = webhooks.retryMaxSeconds
        giveUpSeconds = webhooks.giveUpSeconds
    }

    /// The wait after the `attempts`-th failed attempt (1 for the first); `random` in [0, 1).
    public func delay(afterAttempts attempts: Int, random: Double) -> Int64 {
        let doublings = min(max(attempts - 1, 0), 62)
        let full = min(baseSeconds.saturatingMultiply(Int64(1) << Int64(doublings)), maxSeconds)
        let half = full / 2
        return full - half + Int64(Double(half) * min(max(random, 0), 1))
    }

    /// The event after an attempt at `now` that got no 2xx: its next attempt, or given up
    /// once its time is over.
    public func afterFailure(_ event: VerificationEvent, now: Int64, error: String, random: Double) -> VerificationEvent {
        var next = event
        next.attempts += 1
        next.lastError = error
        let deadline = event.created.saturatingAdd(giveUpSeconds)
        if now >= deadline {
            next.givenUpAt = now
        } else {
            next.nextAttempt = min(now.saturatingAdd(delay(afterAttempts: next.attempts, random: random)), deadline)
        }
        return next
    }

    public func afterSuccess(_ event: VerificationEvent, now: Int64) -> VerificationEvent {
        var next = event
        next.attempts += 1
        next.deliveredAt = now
        next.lastError = nil
        return next
    }
}
