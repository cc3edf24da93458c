#if canImport(Glibc)
import Glibc
#endif

/// A pthread condition variable, waited on with a `Lock` held.
public final class Condition: @unchecked Sendable {
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        condition = .allocate(capacity: 1)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Releases `lock`, sleeps until signalled (or for no reason: callers loop on their
    /// predicate), and holds `lock` again when it returns.
    public func wait(_ lock: Lock) { pthread_cond_wait(condition, lock.mutex) }

    /// Wakes one waiter, if there is one.
    public func signal() { pthread_cond_signal(condition) }
}
