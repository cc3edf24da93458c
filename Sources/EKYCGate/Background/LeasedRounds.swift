public import FastCGI

/// One job of a background round, run while the round's lease is held (the reconciler's round).
public struct RoundTask {
    public var name: String
    /// Does one round's worth of work, stopping by `deadline` (Unix milliseconds) and leaving the
    /// rest to the next round; returns its log line and whether it failed.
    public var run: (_ deadline: Int64) -> (line: LogLine, failed: Bool)

    public init(name: String, run: @escaping (_ deadline: Int64) -> (line: LogLine, failed: Bool)) {
        self.name = name
        self.run = run
    }
}

/// Rounds of background work under one lease, so only one process of the site runs them at a
/// time: `ekyc-start reconcile --once` runs one round (a systemd timer, cron), `run` a round
/// every interval until asked to stop (a service). Each task of a round gets the lease renewed
/// first and at most `roundMilliseconds`, so a Redis lease of `ttl` outlives any task.
///
/// The tasks of a round run in order, so a later task sees what an earlier one stored.
public final class LeasedRounds {
    public enum Outcome: Equatable {
        /// Every task ran; `failed` when one of them reported a failure.
        case ran(failed: Bool)
        /// Another process holds the lease (named when it wrote its name); this round is its.
        case held(by: String?)
        /// The lease could not be taken or was lost mid-round (its store failing).
        case leaseFailed(String)
    }

    public let lease: any Lease
    public let tasks: [RoundTask]
    public let roundMilliseconds: Int64
    public let clock: @Sendable () -> Int64

    public init(lease: any Lease, tasks: [RoundTask], roundMilliseconds: Int64,
                clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds) {
        self.lease = lease
        self.tasks = tasks
        self.roundMilliseconds = roundMilliseconds
        self.clock = clock
    }

    /// One round: takes (or renews) the lease, runs each task, writes its line. The lease stays
    /// held for the next round of `run`; `--once` releases it afterwards.
    public func round() -> Outcome {
        var failed = false
        for task in tasks {
            do {
                guard try lease.acquire() else { return .held(by: lease.holder()) }
            } catch {
                return .leaseFailed(error.description)
            }
            let (line, taskFailed) = task.run(clock().saturatingAdd(roundMilliseconds))
            line.write()
            failed = failed || taskFailed
        }
        return .ran(failed: failed)
    }

    /// A round every `intervalMilliseconds` (from the end of one to the start of the next) until
    /// `pause` reports a stop signal; then the lease is released. While another process holds
    /// the lease this one waits as a standby and takes over once that one is gone.
    public func run(intervalMilliseconds: Int64, pause: (Int64) -> Bool) {
        var standby = false
        repeat {
            let outcome = round()
            if case .held = outcome {
                // Said once, not every interval, while it stays the standby.
                if !standby { Self.line(outcome)?.appending("standby", "yes").write() }
                standby = true
            } else {
                standby = false
                Self.line(outcome)?.write()
            }
        } while pause(intervalMilliseconds)
        lease.release()
    }

    /// The line of a round that did not run; nil for one that did (its tasks wrote theirs).
    public static func line(_ outcome: Outcome) -> LogLine? {
        switch outcome {
        case .ran:
            return nil
        case .held(let holder):
            return LogLine(event: "round_skipped", ("reason", "the lease is held by \(holder ?? "another process")"))
        case .leaseFailed(let detail):
            return LogLine(event: "round_skipped", ("reason", "the lease cannot be taken: \(detail)"))
        }
    }
}
