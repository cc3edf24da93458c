#if canImport(Glibc)
import Glibc
#endif
import CCurl
import Locking
import Synchronization

/// Every API call of the process goes through one libcurl multi handle, driven by one I/O thread.
///
/// Why not `curl_easy_perform` on each worker: each easy handle then runs in a private multi of
/// its own, with its own connection pool, so 256 workers waiting on a slow API hold 256 TLS
/// connections with their buffers and handshake state, however few calls are really needed
/// (measured: 131 MiB for the two handlers at 256 connections on a 200 ms API). Here the workers
/// keep their easy handles (options and buffers only) and wait on a condition variable; the one
/// multi owns the connections, so kept-alive connections and TLS sessions serve every worker,
/// a server that speaks HTTP/2 carries every call on one connection, and what is open follows
/// what is in flight, not the number of workers.
final class TransferLoop: @unchecked Sendable {
    static let shared = TransferLoop()

    private let multi: UnsafeMutableRawPointer
    private let lock = Lock()
    /// Handed over by workers, guarded by `lock`; taken by the I/O thread.
    private var submitted: [(easy: UnsafeMutableRawPointer, completion: Completion)] = []
    /// Set once `submitted` has something, so the I/O thread takes the lock only then: it runs
    /// its loop for every socket event, and each lock it took there collided with workers.
    private let hasSubmitted = Atomic<Bool>(false)
    /// The I/O thread's own: transfers in the multi.
    private var running: [UnsafeMutableRawPointer: Completion] = [:]
    private var started = false

    private init() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
    }

    /// Runs the transfer set up on `easy` and returns curl's result; the calling thread sleeps
    /// meanwhile. Thread-safe; `easy` must not be used by anyone else until this returns.
    func perform(_ easy: UnsafeMutableRawPointer, completion: Completion) -> CURLcode {
        let queued = lock.withLock {
            if !started {
                guard startThread() else { return false }
                started = true
            }
            submitted.append((easy, completion))
            return true
        }
        guard queued else { return CURLE_FAILED_INIT }
        hasSubmitted.store(true, ordering: .releasing)
        // The only multi call that is safe from another thread: interrupts curl_multi_poll.
        curl_multi_wakeup(multi)
        return completion.wait()
    }

    private func startThread() -> Bool {
        var thread = pthread_t()
        let me = Unmanaged.passUnretained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            Unmanaged<TransferLoop>.fromOpaque(raw!).takeUnretainedValue().run()
            return nil
        }, me)
        guard rc == 0 else { return false }
        pthread_detach(thread)
        return true
    }

    private func run() {
        // Signals stay with the threads that wait for them (the server's sigwait thread).
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        var stillRunning: Int32 = 0
        // Swapped with `submitted` under the lock, which is held for an exchange of two buffers,
        // never for an allocation.
        var taken: [(easy: UnsafeMutableRawPointer, completion: Completion)] = []
        while true {
            if hasSubmitted.exchange(false, ordering: .acquiring) {
                lock.withLock { swap(&taken, &submitted) }
            }
            for (easy, completion) in taken {
                let code = curl_multi_add_handle(multi, easy)
                if code == CURLM_OK {
                    running[easy] = completion
                } else {
                    completion.finish(CURLE_FAILED_INIT)
                }
            }
            taken.removeAll(keepingCapacity: true)
            curl_multi_perform(multi, &stillRunning)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                curl_multi_remove_handle(multi, easy)
                running.removeValue(forKey: easy)?.finish(result)
            }
            // Sleeps until a socket is ready, a timeout of curl's is due, or a worker submits.
            curl_multi_poll(multi, nil, 0, 1_000, nil)
        }
    }
}
