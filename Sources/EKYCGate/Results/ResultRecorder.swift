import FastCGI

/// The one place a verification becomes final, whoever asked Tencent (the browser's callback,
/// the backend's read, the reconciler): the verdict from the API's answer, stored once, and its
/// webhook event enqueued. What it returns is what the store kept: when two readers race, the
/// first write stands and both serve it.
public struct ResultRecorder: Sendable {
    public let store: any TokenStore
    /// The outbox when webhooks are on; nil otherwise.
    public let events: (any EventOutbox)?

    public init(store: any TokenStore, events: (any EventOutbox)? = nil) {
        self.store = store
        self.events = events
    }

    /// The record as the API's answer leaves it, or nil while the user has not finished
    /// (`ErrorCode` null, or a code Tencent documents as "not finished", e.g. 17).
    public static func verdict(_ record: TokenRecord, answer: GetResultResponse, now: Int64) -> TokenRecord? {
        guard let errorCode = answer.errorCode, BusinessCodes.meaning(errorCode) != .pending else { return nil }
        let attempts = answer.verificationDetailList ?? []
        var final = record
        final.status = errorCode == 0 ? .passed : .failed
        final.result = StoredResult(
            errorCode: errorCode, errorMsg: answer.errorMsg,
            reason: errorCode == 0 ? nil : ResultReason.of(errorCode: errorCode, detail: attempts.last).rawValue,
            attempts: attempts.map(StoredAttempt.init), requestId: answer.requestId, completed: now)
        return final
    }

    /// The record as a failed API call leaves it: `InvalidParameterValue.BizTokenExpired` means
    /// Tencent no longer keeps the result, so the verification ends as expired; nil for any other
    /// error, which ends nothing.
    public static func verdict(_ record: TokenRecord, error: FaceIDError, now: Int64) -> TokenRecord? {
        guard case let .api(code, _, requestId) = error, code == "InvalidParameterValue.BizTokenExpired" else { return nil }
        return expired(record, requestId: requestId, now: now)
    }

    /// The record ended as expired (Tencent answered `BizTokenExpired`, or its 3 days are over):
    /// final, with Tencent's RequestId kept for support requests like that of any other result.
    public static func expired(_ record: TokenRecord, requestId: String? = nil, now: Int64) -> TokenRecord {
        var final = record
        final.status = .expired
        final.result = StoredResult(errorCode: nil, errorMsg: nil, reason: ResultReason.expired.rawValue, attempts: [],
                                    requestId: requestId, completed: now)
        return final
    }

    /// Stores a final record and enqueues its event; returns the record every reader serves.
    public func keep(_ final: TokenRecord, now: Int64) throws(StoreError) -> TokenRecord {
        try store.save(final)
        let stored = (try store.load(token: final.token)) ?? final
        if let events, let event = VerificationEvent(final: stored, now: now) {
            // The result is stored either way; an event that could not be enqueued now is
            // enqueued by the reconciler, which finds final records without one.
            do { _ = try events.enqueue(event) } catch {
                LogLine(event: "outbox_error", ("token", TokenFormat.logID(stored.token)), ("error", error.description)).write()
            }
        }
        return stored
    }
}
