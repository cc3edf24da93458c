import Synchronization

/// The in-memory outbox: the contract of `DeliveryQueue` with nothing in the way, for tests.
extension MemoryTokenStore: DeliveryQueue {
    public func enqueue(_ event: VerificationEvent) throws(StoreError) -> Bool {
        events.withLock { all in
            guard all[event.id] == nil else { return false }
            all[event.id] = event
            return true
        }
    }

    public func due(now: Int64, limit: Int) throws(StoreError) -> [VerificationEvent] {
        Array(events.withLock { $0.values.filter { $0.isDue(now: now) } }.sorted(by: VerificationEvent.dueOrder).prefix(limit))
    }

    @discardableResult
    public func update(_ event: VerificationEvent) throws(StoreError) -> Bool {
        events.withLock { all in
            guard all[event.id] != nil else { return false }
            all[event.id] = event
            return true
        }
    }

    public func undelivered(limit: Int) throws(StoreError) -> [VerificationEvent] {
        Array(events.withLock { $0.values.filter(\.isUndelivered) }.sorted(by: VerificationEvent.dueOrder).prefix(limit))
    }

    public func event(id: String) throws(StoreError) -> VerificationEvent? {
        events.withLock { $0[id] }
    }

    public func sweepEvents(now: Int64) throws(StoreError) -> Int {
        events.withLock { all in
            let old = all.values.filter { $0.keepUntil < now }.map(\.id)
            old.forEach { all[$0] = nil }
            return old.count
        }
    }
}
