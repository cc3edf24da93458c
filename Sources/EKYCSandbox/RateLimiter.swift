import Synchronization

/// Tencent's per-action limit (20 requests per second for both eKYC actions), counted in
/// one-second windows per action across all workers.
public final class RateLimiter: Sendable {
    public let perSecond: Int
    private let windows = Mutex<[String: (second: Int64, count: Int)]>([:])

    public init(perSecond: Int = 20) {
        self.perSecond = perSecond
    }

    /// Counts one request; false when this action already had `perSecond` in this second.
    public func allow(_ action: String, nowSeconds: Int64) -> Bool {
        windows.withLock { windows in
            var window = windows[action] ?? (nowSeconds, 0)
            if window.second != nowSeconds { window = (nowSeconds, 0) }
            guard window.count < perSecond else { return false }
            window.count += 1
            windows[action] = window
            return true
        }
    }
}
