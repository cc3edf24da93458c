#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex.
///
/// Not Synchronization's `Mutex`: on Linux that one hands a contended lock over in the kernel (a
/// priority-inheritance futex), where ThreadSanitizer cannot see it, and the sanitizer run then
/// reports races that are not there.
public final class Lock: @unchecked Sendable {
    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }

    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Inlined into the caller, so the closure is not a generic call across modules.
    @inlinable public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
