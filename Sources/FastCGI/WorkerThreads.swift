#if canImport(Glibc)
import Glibc
#endif
import Locking

/// The server's worker threads, started on demand up to a limit: a process that gets one
/// request at a time (spawned per request by mod_fcgid, or simply idle) runs one or two
/// workers, not `--workers` of them. The server starts more only when every started worker is
/// busy: the worker that took the accept turn found no other waiting for it, nor one closing up
/// after its answer and on its way back (`AcceptBaton.handOff`); it then doubles them.
final class WorkerThreads: @unchecked Sendable {
    /// Hundreds of workers mostly wait on the API; a small stack keeps each one cheap.
    static let stackBytes = 512 * 1024

    let limit: Int
    private let lock = Lock()
    private let allEnded = Condition()
    // Guarded by `lock`.
    private var threads: [pthread_t] = []
    private var running = 0

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Workers started so far (they end only when the server stops).
    var startedCount: Int { lock.withLock { threads.count } }

    /// Starts worker number `startedCount` running `body`, unless `limit` are started (then
    /// false). Throws when the system refuses the thread.
    func start(_ body: @escaping @Sendable (_ index: Int) -> Void) throws(ServerError) -> Bool {
        try lock.withLock { () throws(ServerError) -> Bool in
            guard threads.count < limit else { return false }
            final class Start {
                let body: @Sendable (Int) -> Void
                let index: Int
                let pool: WorkerThreads
                init(_ body: @escaping @Sendable (Int) -> Void, _ index: Int, _ pool: WorkerThreads) {
                    (self.body, self.index, self.pool) = (body, index, pool)
                }
            }
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setstacksize(&attributes, Self.stackBytes)
            let box = Unmanaged.passRetained(Start(body, threads.count, self)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(&thread, &attributes, { raw in
                let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
                start.body(start.index)
                start.pool.ended()
                return nil
            }, box)
            guard rc == 0 else {
                Unmanaged<Start>.fromOpaque(box).release()
                throw .threadStart(errno: rc)
            }
            threads.append(thread)
            running += 1
            return true
        }
    }

    private func ended() {
        lock.withLock {
            running -= 1
            if running == 0 { allEnded.broadcast() }
        }
    }

    /// Returns once every started worker has returned. A worker starts others only while it
    /// runs, so none can start after the last one ended.
    func joinAll() {
        let all: [pthread_t] = lock.withLock {
            while running > 0 { _ = allEnded.wait(lock, deadline: MonotonicClock.nowNanoseconds() + 60_000_000_000) }
            return threads
        }
        for thread in all { pthread_join(thread, nil) }
    }
}
