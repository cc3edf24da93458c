import EKYCCrypto

/// A final result the merchant's backend is told about by webhook: one event per verification,
/// kept in the store's outbox until delivered (`EventOutbox`). Its id is derived from the
/// token, so whoever records the result (the browser's callback, the backend's read, the
/// reconciler), and however often, enqueues the same event once.
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
    }

    public static func id(token: String) -> String {
        "evt_" + SHA256.hexHash("verification-event\n" + token).prefix(32)
    }
}

/// Where events wait for delivery, in the same store as the records (files or Redis), so an
/// event is as durable as the result it reports.
public protocol EventOutbox: Sendable {
    /// Adds the event unless one with its id is there, delivered or not; true when added.
    func enqueue(_ event: VerificationEvent) throws(StoreError) -> Bool
}
