#if canImport(Glibc)
import Glibc
#endif

/// A POSIX semaphore: a count that `post` raises and `wait` lowers, sleeping while it is zero.
///
/// For a hand-over from one thread to one waiting thread it costs one wake-up and one sleep, and
/// no lock: a condition variable adds its mutex, which the woken thread must take again, and
/// which the waker collided with whenever both touched it at once.
public final class Semaphore: @unchecked Sendable {
    private let semaphore: UnsafeMutablePointer<sem_t>

    public init(value: UInt32 = 0) {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, value)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Raises the count, waking one waiter if there is one. Writes made before `post` are seen by
    /// the thread that returns from the matching `wait`.
    public func post() { sem_post(semaphore) }

    /// Sleeps until the count is above zero, then lowers it.
    public func wait() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }
}
