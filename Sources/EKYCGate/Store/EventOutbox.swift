/// Where events wait for delivery, in the same store as the records (files or Redis), so an
/// event is as durable as the result it reports.
public protocol EventOutbox: Sendable {
    /// Adds the event unless one with its id is there, delivered or not; true when added.
    func enqueue(_ event: VerificationEvent) throws(StoreError) -> Bool
}

/// The outbox as the deliverer and the operator see it. Implemented by each token store
/// (`FileTokenStore`, `RedisTokenStore`, `MemoryTokenStore`) beside its records.
public protocol DeliveryQueue: EventOutbox {
    /// Events to send at `now` (`isDue`), the earliest due first, at most `limit`.
    func due(now: Int64, limit: Int) throws(StoreError) -> [VerificationEvent]
    /// Writes an event's delivery state (after an attempt, or a redelivery); durable when it
    /// returns. An event no longer there (swept) stays absent; false then.
    @discardableResult
    func update(_ event: VerificationEvent) throws(StoreError) -> Bool
    /// Events not delivered, given up or not, the earliest due first (given up last), at most `limit`.
    func undelivered(limit: Int) throws(StoreError) -> [VerificationEvent]
    /// One event, delivered or not; nil when there is none with this id.
    func event(id: String) throws(StoreError) -> VerificationEvent?
    /// Removes events past their `keepUntil` (and what a crashed writer left); returns how many.
    func sweepEvents(now: Int64) throws(StoreError) -> Int
}
