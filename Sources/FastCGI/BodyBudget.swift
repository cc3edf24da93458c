import Locking

/// The memory a server process lets request bodies take at once. A worker reserves a body's
/// declared length before reading it and gives it back once the answer is out; while the
/// budget is short it waits, up to a bound, for other uploads to finish.
///
/// Without it, memory grows with the number of workers: every worker may hold an 8 MB photo,
/// and the copies made while it is sent on to the API, at the same time.
final class BodyBudget: @unchecked Sendable {
    /// Bodies below this are neither counted nor kept waiting: a form or a JSON request costs
    /// little even in every worker at once; only photo uploads add up.
    static let smallBodyBytes = 64 * 1024

    let limit: Int
    private let lock = Lock()
    private let released = Condition()
    // Guarded by `lock`.
    private var reserved = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Bytes reserved now (for tests).
    var reservedBytes: Int { lock.withLock { reserved } }

    /// Reserves `bytes`, waiting up to `milliseconds` while the others hold too much. False
    /// when the budget stayed short for the whole wait; nothing is then reserved. A body
    /// larger than the whole budget is admitted once nothing else is reserved, so a body the
    /// server accepts is never refused for its size alone.
    func reserve(_ bytes: Int, waitingUpTo milliseconds: Int) -> Bool {
        guard bytes >= Self.smallBodyBytes else { return true }
        let deadline = MonotonicClock.nowNanoseconds() + UInt64(max(milliseconds, 0)) * 1_000_000
        lock.lock()
        defer { lock.unlock() }
        while reserved > 0 && reserved + bytes > limit {
            if !released.wait(lock, deadline: deadline) && reserved > 0 && reserved + bytes > limit {
                return false
            }
        }
        reserved += bytes
        return true
    }

    /// Gives back what `reserve(bytes, …)` took, and wakes the workers waiting for it.
    func release(_ bytes: Int) {
        guard bytes >= Self.smallBodyBytes else { return }
        lock.withLock { reserved -= bytes }
        released.broadcast()
    }
}
