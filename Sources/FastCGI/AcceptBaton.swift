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
    /// One per worker, so a hand-off wakes exactly the worker it promotes; a semaphore keeps a
    /// hand-off that comes before its worker sleeps, and wakes it without a lock to take again.
    private let turns: [Semaphore]
    // Guarded by `lock`.
    private var leading = false
    private var idle: [Int] = []

    init(workers: Int) {
        turns = (0..<workers).map { _ in Semaphore() }
        idle.reserveCapacity(workers)
    }

    /// Returns when worker `index` is the one to call accept.
    func lead(_ index: Int) {
        let waits: Bool = lock.withLock {
            if !leading {
                leading = true
                return false
            }
            idle.append(index)
            return true
        }
        if waits { turns[index].wait() }
    }

    /// Workers waiting for their turn (for tests).
    var waitingCount: Int { lock.withLock { idle.count } }

    /// Called by the leader once accept returned: the last worker to go idle leads next. False
    /// when no worker was waiting, so nobody accepts until a worker goes idle (or one is started).
    @discardableResult
    func handOff() -> Bool {
        let next: Int? = lock.withLock {
            let next = idle.popLast()
            if next == nil { leading = false }
            return next
        }
        // After the unlock, so the woken worker does not block again on the lock this thread
        // still holds.
        if let next { turns[next].post() }
        return next != nil
    }
}
