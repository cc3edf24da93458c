#if canImport(Glibc)
import Glibc
#endif
import CCurl

/// Where a worker waits for its transfer to finish on the I/O thread: a mutex and a condition
/// variable, one pair per client, reused for every call.
final class Completion: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by `mutex`.
    private var result: CURLcode?

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Called once per transfer by the I/O thread, which holds a reference to `self` meanwhile.
    func finish(_ code: CURLcode) {
        pthread_mutex_lock(mutex)
        result = code
        pthread_mutex_unlock(mutex)
        // Signalled after the unlock: a waiter woken while the mutex is still held would only
        // block again on the mutex, one more sleep and wake-up per call. A late signal finds
        // no waiter or one that re-checks `result`, so it is harmless.
        pthread_cond_signal(condition)
    }

    /// Blocks until `finish`, then clears the result for the next transfer.
    func wait() -> CURLcode {
        pthread_mutex_lock(mutex)
        while result == nil { pthread_cond_wait(condition, mutex) }
        let code = result!
        result = nil
        pthread_mutex_unlock(mutex)
        return code
    }
}
