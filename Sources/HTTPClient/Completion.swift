import CCurl
import Locking

/// Where a worker waits for its transfer to finish on the I/O thread: a lock and a condition
/// variable, one pair per client, reused for every call.
final class Completion: @unchecked Sendable {
    private let lock = Lock()
    private let condition = Condition()
    /// Guarded by `lock`.
    private var result: CURLcode?

    /// Called once per transfer by the I/O thread, which holds a reference to `self` meanwhile.
    func finish(_ code: CURLcode) {
        lock.withLock { result = code }
        // Signalled after the unlock: a waiter woken while the lock is still held would only
        // block again on it, one more sleep and wake-up per call. A late signal finds no waiter
        // or one that re-checks `result`, so it is harmless.
        condition.signal()
    }

    /// Blocks until `finish`, then clears the result for the next transfer.
    func wait() -> CURLcode {
        lock.lock()
        defer { lock.unlock() }
        while result == nil { condition.wait(lock) }
        let code = result!
        result = nil
        return code
    }
}
