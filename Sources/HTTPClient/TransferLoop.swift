#if canImport(Glibc)
import Glibc
#endif
import CCurl
import Synchronization

/// Every API call of the process goes through one libcurl multi handle, driven by one I/O thread.
///
/// Why not `curl_easy_perform` on each worker: each easy handle then runs in a private multi of
/// its own, with its own connection pool, so 256 workers waiting on a slow API hold 256 TLS
/// connections with their buffers and handshake state, however few calls are really needed
/// (the memory it cost is in docs/BENCHMARKS.md, target 3). Here the workers
/// keep their easy handles (options and buffers only) and wait on a semaphore; the one
/// multi owns the connections, so kept-alive connections and TLS sessions serve every worker,
/// a server that speaks HTTP/2 carries every call on one connection, and what is open follows
/// what is in flight, not the number of workers.
final class TransferLoop: @unchecked Sendable {
    static let shared = TransferLoop()

    private let multi: UnsafeMutableRawPointer
    /// Workers push their transfers here (a lock-free stack, linked through `Completion.next`);
    /// the I/O thread takes the whole stack in one exchange. Under a lock, a worker handing over a
    /// call found it contended about once per call (perf on futex calls: with this stack and the
    /// semaphores of `Completion`, 2 futex wake-ups per pending callback instead of 4).
    private let submitted = Atomic<UnsafeMutableRawPointer?>(nil)
    /// The I/O thread's own: transfers in the multi.
    private var running: [UnsafeMutableRawPointer: Completion] = [:]
    private var threadStarted = false

    /// Made on the first call (`shared` is lazy), so libcurl starts only when a call is made.
    private init() {
        ekyc_curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let multi = ekyc_curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
        threadStarted = startThread()
    }

    /// Runs the transfer set up on `easy` and returns curl's result; the calling thread sleeps
    /// meanwhile. Thread-safe; `easy` and `completion` must not be used by anyone else until
    /// this returns.
    func perform(_ easy: UnsafeMutableRawPointer, completion: Completion) -> CURLcode {
        guard threadStarted else { return CURLE_FAILED_INIT }
        completion.easy = easy
        let node = Unmanaged.passRetained(completion)
        var head = submitted.load(ordering: .relaxed)
        while true {
            completion.next = head.map { Unmanaged<Completion>.fromOpaque($0) }
            let (pushed, current) = submitted.compareExchange(
                expected: head, desired: node.toOpaque(), successOrdering: .releasing, failureOrdering: .relaxed)
            if pushed { break }
            head = current
        }
        // The only multi call that is safe from another thread: interrupts curl_multi_poll.
        ekyc_curl_multi_wakeup(multi)
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
        // Reused for every batch: the stack is last-in first-out, calls are added in the order made.
        var taken: [Completion] = []
        while true {
            var node = submitted.exchange(nil, ordering: .acquiring).map { Unmanaged<Completion>.fromOpaque($0) }
            while let current = node {
                let completion = current.takeRetainedValue()
                node = completion.next
                completion.next = nil
                taken.append(completion)
            }
            for completion in taken.reversed() {
                guard let easy = completion.easy else { continue }
                let code = ekyc_curl_multi_add_handle(multi, easy)
                if code == CURLM_OK {
                    running[easy] = completion
                } else {
                    completion.finish(CURLE_FAILED_INIT)
                }
            }
            taken.removeAll(keepingCapacity: true)
            ekyc_curl_multi_perform(multi, &stillRunning)
            var left: Int32 = 0
            while let message = ekyc_curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                ekyc_curl_multi_remove_handle(multi, easy)
                running.removeValue(forKey: easy)?.finish(result)
            }
            // Sleeps until a socket is ready, a timeout of curl's is due, or a worker submits.
            ekyc_curl_multi_poll(multi, nil, 0, 1_000, nil)
        }
    }
}
