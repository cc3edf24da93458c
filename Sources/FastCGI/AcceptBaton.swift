import Locking

/// Which worker accepts the next request: one at a time, and always the one that went idle
/// last (leader/followers, LIFO).
///
/// Left to the kernel, every worker blocks in `accept` and they take connections in turn, so a
/// load that needs 16 workers walks all 256: each touches its stack, allocates from its own malloc
/// arena, and the process's memory grows with `workers` instead of with concurrency (figures in
/// docs/BENCHMARKS.md, target 3). Handing the accept to the most
/// recently idle worker keeps the same few threads, stacks and arenas hot.
final class AcceptBaton: @unchecked Sendable {
    private let lock = Lock()
    /// One per worker, so a hand-off wakes exactly the worker it promotes; a semaphore keeps a
    /// hand-off that comes before its worker sleeps, and wakes it without a lock to take again.
    private let turns: [Semaphore]
    // Guarded by `lock`.
    private var leading = false
    private var idle: [Int] = []
    /// Workers on their way to `lead`: started and not yet there, or answered and closing up
    /// (libfcgi's close, the log line).
    private var returning = 0

    init(workers: Int) {
        turns = (0..<workers).map { _ in Semaphore() }
        idle.reserveCapacity(workers)
    }

    /// Returns when worker `index` is the one to call accept. `returning`: the worker was
    /// announced with `onItsWay` since it last led.
    func lead(_ index: Int, returning wasReturning: Bool = false) {
        let waits: Bool = lock.withLock {
            if wasReturning { returning -= 1 }
            if !leading {
                leading = true
                return false
            }
            idle.append(index)
            return true
        }
        if waits { turns[index].wait() }
    }

    /// A worker will call `lead` shortly: it was just started, or it has written its answer
    /// and comes back once it has closed up.
    func onItsWay() {
        lock.withLock { returning += 1 }
    }

    /// A worker announced by `onItsWay` will not come after all (its thread did not start).
    func notComing() {
        lock.withLock { returning -= 1 }
    }

    /// Whether a worker waits for the turn or is on its way to it.
    var anyoneComing: Bool { lock.withLock { !idle.isEmpty || returning > 0 } }

    /// Workers waiting for their turn (for tests).
    var waitingCount: Int { lock.withLock { idle.count } }

    /// Called by the leader once accept returned: the last worker to go idle leads next. False
    /// when no worker is waiting nor on its way back, so every worker is busy and nobody will
    /// accept until one is started or a request ends.
    @discardableResult
    func handOff() -> Bool {
        let (next, anyReturning): (Int?, Bool) = lock.withLock {
            let next = idle.popLast()
            if next == nil { leading = false }
            return (next, returning > 0)
        }
        // After the unlock, so the woken worker does not block again on the lock this thread
        // still holds.
        if let next { turns[next].post() }
        return next != nil || anyReturning
    }
}
