import Synchronization

/// Counts events per key against a `Rate` (GCRA), in state shared as widely as the store is:
/// the processes of one machine for the file store, every node for Redis. A failure to reach
/// that state is a `StoreError`; the handlers then refuse the API call (503), since spending
/// Tencent's quota unmetered is what the limiter exists to prevent.
public protocol RateLimiter: Sendable {
    /// Counts one event for `key` when `rate` allows it now (`now` in Unix milliseconds).
    func take(_ key: String, rate: Rate, now: Int64) throws(StoreError) -> LimitDecision
}

/// In one process's memory: tests, and the state a single process would keep.
public final class MemoryRateLimiter: RateLimiter {
    private let tats = Mutex<[String: Int64]>([:])

    public init() {}

    public func take(_ key: String, rate: Rate, now: Int64) throws(StoreError) -> LimitDecision {
        tats.withLock { tats in
            let (decision, next) = GCRA.decide(storedTAT: tats[key], now: now, rate: rate)
            if let next { tats[key] = next }
            // Keys whose TAT has passed carry no state; drop them now and then so memory stays bounded.
            if tats.count > 100_000 { tats = tats.filter { $0.value > now } }
            return decision
        }
    }
}
