#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT for a command that works in rounds (`ekyc-start deliver`): blocked, so
/// they arrive only where the loop looks for them, between two steps or while it waits, and
/// the step in progress (a POST, the write of its outcome) is always finished.
struct StopSignals {
    private var set = sigset_t()

    init() {
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        // A receiver that closes its connection must not kill the process.
        signal(SIGPIPE, SIG_IGN)
    }

    /// True once a stop signal has arrived (it stays pending, so every later check sees it).
    var requested: Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1
    }

    /// Waits up to `milliseconds`; true when a stop signal arrived meanwhile.
    func wait(milliseconds: Int) -> Bool {
        if requested { return true }
        var timeout = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var mask = set
        var info = siginfo_t()
        // The signal is taken off the pending set here; put it back so `requested` still sees it.
        let received = sigtimedwait(&mask, &info, &timeout)
        guard received > 0 else { return false }
        pthread_kill(pthread_self(), received)
        return true
    }
}
