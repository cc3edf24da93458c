#if canImport(Glibc)
import Glibc
#endif

/// A pthread condition variable used with a `Lock`, whose timed wait runs on the monotonic
/// clock, so that setting the wall clock neither cuts a wait short nor stretches it.
public final class Condition: @unchecked Sendable {
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// With `lock` held: sleeps until woken or until `deadline` (nanoseconds of
    /// `CLOCK_MONOTONIC`), and holds `lock` again on return. False once the deadline has passed;
    /// a true return may be spurious, so the caller checks its condition again.
    public func wait(_ lock: Lock, deadline: UInt64) -> Bool {
        var until = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, lock.mutex, &until) != ETIMEDOUT
    }

    /// Wakes every waiter; each checks its own condition under the lock.
    public func broadcast() { pthread_cond_broadcast(condition) }
}
