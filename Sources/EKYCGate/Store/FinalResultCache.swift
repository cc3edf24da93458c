import Synchronization

/// Final records of this process, kept in memory: a final result never changes (the stores
/// write it once), so a callback that asks again, or the merchant's page polling it, is answered
/// without reading and decoding the record. Bounded; the oldest entries go first.
public final class FinalResultCache: Sendable {
    private struct State {
        var records: [String: TokenRecord] = [:]
        var order: [String] = []
        var head = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    public func record(_ token: String) -> TokenRecord? {
        state.withLock { $0.records[token] }
    }

    /// Keeps `record` if it is final; anything else is not cacheable.
    public func keep(_ record: TokenRecord) {
        guard record.status.isFinal else { return }
        state.withLock { state in
            if state.records.updateValue(record, forKey: record.token) != nil { return }
            if state.order.count < capacity {
                state.order.append(record.token)
            } else {
                state.records[state.order[state.head]] = nil
                state.order[state.head] = record.token
                state.head = (state.head + 1) % capacity
            }
        }
    }
}
