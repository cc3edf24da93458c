import EKYCCrypto

/// A final result the merchant's backend is told about by webhook: one event per verification,
/// kept in the store's outbox (`EventOutbox`) until delivered, and after that until its
/// verification could no longer be recorded again. Its id is derived from the token, so
/// whoever records the result (the browser's callback, the backend's read, the reconciler),
/// and however often, enqueues the same event once.
public struct VerificationEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case passed = "verification.passed"
        case failed = "verification.failed"
        case expired = "verification.expired"
    }

    public var id: String
    public var type: Kind
    /// The BizToken (the verification's id); the payload is built from its stored record.
    public var token: String
    /// When the result became final (Unix seconds).
    public var created: Int64
    /// Delivery state, kept by the deliverer.
    public var attempts: Int
    public var nextAttempt: Int64
    public var deliveredAt: Int64?
    public var lastError: String?
    /// When the deliverer stopped trying (`webhook_give_up` after `created`); the event stays
    /// listed as undelivered until it is swept or redelivered.
    public var givenUpAt: Int64?

    /// The event of a final record; nil for a pending one.
    public init?(final record: TokenRecord, now: Int64) {
        let kind: Kind
        switch record.status {
        case .pending: return nil
        case .passed: kind = .passed
        case .failed: kind = .failed
        case .expired: kind = .expired
        }
        id = Self.id(token: record.token)
        type = kind
        token = record.token
        created = record.result?.completed ?? now
        attempts = 0
        nextAttempt = now
        deliveredAt = nil
        lastError = nil
        givenUpAt = nil
    }

    /// Kept a day longer than the record it reports (retention counts from the start, the
    /// event from the result), so no second recording of that result can enqueue it again,
    /// and a given-up event stays in view for a day.
    public static let retentionSeconds = TokenRecord.retentionSeconds + 86_400

    public var keepUntil: Int64 { created.saturatingAdd(Self.retentionSeconds) }

    public var isUndelivered: Bool { deliveredAt == nil }

    /// To be sent at `now`: not delivered, not given up, its next attempt reached.
    public func isDue(now: Int64) -> Bool { deliveredAt == nil && givenUpAt == nil && nextAttempt <= now }

    /// Due now again, whatever happened before (`ekyc-start events --redeliver`): a receiver
    /// that lost a delivered event gets it once more, a given-up one gets another try.
    public func redelivered(now: Int64) -> VerificationEvent {
        var event = self
        event.nextAttempt = now
        event.deliveredAt = nil
        event.givenUpAt = nil
        return event
    }

    public static func id(token: String) -> String {
        "evt_" + SHA256.hexHash("verification-event\n" + token).prefix(32)
    }

    /// An id as `id(token:)` makes them, checked before one given on a command line becomes a
    /// file name or a key.
    public static func isValidID(_ text: String) -> Bool {
        text.utf8.count == 36 && text.hasPrefix("evt_")
            && text.utf8.dropFirst(4).allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// Earliest due first; among equals the older event.
    static func dueOrder(_ a: VerificationEvent, _ b: VerificationEvent) -> Bool {
        (a.givenUpAt != nil ? 1 : 0, a.nextAttempt, a.created, a.id) < (b.givenUpAt != nil ? 1 : 0, b.nextAttempt, b.created, b.id)
    }
}
