public import FastCGI

/// What one reconciler round did, for its log line and for tests.
public struct ReconcileRound: Sendable, Equatable {
    /// Pending verification records in the store.
    public var listed = 0
    /// Of those, the ones due for a check this round.
    public var due = 0
    /// API calls made (each a due record asked about).
    public var checked = 0
    /// Records that became passed or failed from Tencent's answer.
    public var finalized = 0
    /// Records Tencent still reports as unfinished (their `checkedAt` moved on).
    public var pending = 0
    /// Records ended as expired: past their retention (no call) or `BizTokenExpired`.
    public var expired = 0
    /// Due records not asked about because the round stopped (budget, time, a stop signal).
    public var deferred = 0
    /// Events of final records that were missing from the outbox and enqueued again.
    public var requeued = 0
    /// Calls that failed for one token (Tencent refused that token); it is asked again later.
    public var errors = 0
    /// Why the round stopped before asking about every due record; nil when it did not.
    public var stopped: String?
    /// Set when the round could not do its work (the store or the API failing): the exit status
    /// of `--once` says so.
    public var failed = false
    public var milliseconds: Int64 = 0

    public init() {}

    /// The round's log line.
    public var logLine: LogLine {
        var fields: [(String, String)] = [
            ("event", "reconcile"), ("listed", "\(listed)"), ("due", "\(due)"), ("checked", "\(checked)"),
            ("finalized", "\(finalized)"), ("pending", "\(pending)"), ("expired", "\(expired)"),
            ("deferred", "\(deferred)"), ("requeued", "\(requeued)"), ("errors", "\(errors)"), ("ms", "\(milliseconds)"),
        ]
        if let stopped { fields.append(("stopped", stopped)) }
        return LogLine(fields.map { LogField($0.0, $0.1) })
    }
}
