#if canImport(Glibc)
import Glibc
#endif
import CCurl
import Locking

/// One worker's transfer as the I/O thread sees it: the easy handle to run, where the worker
/// waits for it, and the link of `TransferLoop`'s submission stack. One per client, reused for
/// every call; a client has at most one call in flight.
final class Completion: @unchecked Sendable {
    private let done = Semaphore()
    /// Written by the I/O thread before `done.post()`, read by the worker after `done.wait()`.
    private var result = CURLE_OK
    /// Set by the worker before it submits; read by the I/O thread after it takes the submission.
    var easy: UnsafeMutableRawPointer?
    /// The submission stack's link, written by the worker before the push publishes it.
    var next: Unmanaged<Completion>?

    /// Called once per transfer by the I/O thread.
    func finish(_ code: CURLcode) {
        result = code
        done.post()
    }

    /// Blocks until `finish`.
    func wait() -> CURLcode {
        done.wait()
        return result
    }
}
