#if canImport(Glibc)
import Glibc
#endif

/// Which worker accepts the next request: one at a time, and always the one that went idle
/// last (leader/followers, LIFO).
///
/// Left to the kernel, every worker blocks in `accept` and they take connections in turn, so a
/// load that needs 16 workers walks all 256: each touches its stack, allocates from its own malloc
/// arena, and the process's memory grows with `workers` instead of with concurrency (measured:
/// ekyc-callback from 21 to 41 MiB after 8 s at 16 connections). Handing the accept to the most
/// recently idle worker keeps the same few threads, stacks and arenas hot.
final class AcceptBaton: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let conditions: UnsafeMutablePointer<pthread_cond_t>
    private let count: Int
    // Guarded by `mutex`.
    private var leading = false
    private var idle: [Int] = []
    private var promoted: [Bool]

    init(workers: Int) {
        count = workers
        conditions = .allocate(capacity: workers)
        for index in 0..<workers { pthread_cond_init(conditions + index, nil) }
        promoted = Array(repeating: false, count: workers)
        idle.reserveCapacity(workers)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        for index in 0..<count { pthread_cond_destroy(conditions + index) }
        conditions.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Returns when worker `index` is the one to call accept.
    func lead(_ index: Int) {
        pthread_mutex_lock(mutex)
        if !leading {
            leading = true
        } else {
            idle.append(index)
            while !promoted[index] { pthread_cond_wait(conditions + index, mutex) }
            promoted[index] = false
        }
        pthread_mutex_unlock(mutex)
    }

    /// Called by the leader once accept returned: the last worker to go idle leads next.
    func handOff() {
        pthread_mutex_lock(mutex)
        let next = idle.popLast()
        if let next { promoted[next] = true } else { leading = false }
        pthread_mutex_unlock(mutex)
        // After the unlock, so the woken worker does not block again on the mutex this thread
        // still holds. A late signal wakes a worker that is waiting for another turn by then;
        // it re-checks `promoted` and waits on.
        if let next { pthread_cond_signal(conditions + next) }
    }
}
