#if canImport(Glibc)
import Glibc
#endif
import FastCGI
import Locking

/// SIGTERM and SIGINT for a command that works in rounds (`ekyc-start reconcile`, `deliver`): a
/// request to stop at the next pause, never in the middle of a store write or a POST. The
/// signals are blocked and waited for with `sigtimedwait` where the loop would sleep anyway, so
/// a stop ends the wait at once and the step in progress is always finished.
final class StopSignals {
    private var signals = sigset_t()
    private(set) var received = false

    init() {
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        // A receiver that closes its connection must not kill the process.
        signal(SIGPIPE, SIG_IGN)
    }

    /// True once a stop signal has arrived, taken or still pending.
    var requested: Bool {
        if received { return true }
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1
    }

    /// Waits `milliseconds` (0: only looks); false once a stop signal has come.
    func pause(_ milliseconds: Int64) -> Bool {
        if received { return false }
        let end = MonotonicClock.nowNanoseconds() &+ UInt64(max(0, milliseconds)) &* 1_000_000
        while true {
            let now = MonotonicClock.nowNanoseconds()
            let left = end > now ? end - now : 0
            var timeout = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
            if sigtimedwait(&signals, nil, &timeout) > 0 {
                received = true
                return false
            }
            // EAGAIN: the time passed with no stop signal; EINTR: another signal, wait on.
            if errno == EAGAIN || left == 0 { return true }
        }
    }

    /// Waits up to `milliseconds`; true when a stop signal arrived meanwhile.
    func wait(milliseconds: Int) -> Bool { !pause(Int64(milliseconds)) }
}
