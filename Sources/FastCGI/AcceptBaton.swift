import Locking

/// Which worker accepts the next request: one at a time, and always the one that went idle
/// last (leader/followers, LIFO).
///
/// Left to the kernel, every worker blocks in `accept` and they take connections in turn, so a
/// load that needs 16 workers walks all 256: each touches its stack, allocates from its own malloc
/// arena, and the process's memory grows with `workers` instead of with concurrency (measured:
/// ekyc-callback from 21 to 41 MiB after 8 s at 16 connections). Handing the accept to the most
/// recently idle worker keeps the same few threads, stacks and arenas hot.
final class AcceptBaton: @unchecked Sendable {
    private let lock = Lock()
    /// One per worker, so a hand-off wakes exactly the worker it promotes.
    private let conditions: [Condition]
    // Guarded by `lock`.
    private var leading = false
    private var idle: [Int] = []
    private var promoted: [Bool]

    init(workers: Int) {
        conditions = (0..<workers).map { _ in Condition() }
        promoted = Array(repeating: false, count: workers)
        idle.reserveCapacity(workers)
    }

    /// Returns when worker `index` is the one to call accept.
    func lead(_ index: Int) {
        lock.withLock {
            if !leading {
                leading = true
            } else {
                idle.append(index)
                while !promoted[index] { conditions[index].wait(lock) }
                promoted[index] = false
            }
        }
    }

    /// Called by the leader once accept returned: the last worker to go idle leads next.
    func handOff() {
        let next: Int? = lock.withLock {
            let next = idle.popLast()
            if let next { promoted[next] = true } else { leading = false }
            return next
        }
        // After the unlock, so the woken worker does not block again on the lock this thread
        // still holds. A late signal wakes a worker that is waiting for another turn by then;
        // it re-checks `promoted` and waits on.
        if let next { conditions[next].signal() }
    }
}
