import Synchronization

/// A process's memory of values by key, shared by its workers and bounded: past `capacity`
/// entries the oldest goes first. For answers that are cheaper to keep than to ask again.
public final class BoundedCache<Value: Sendable>: Sendable {
    private struct State {
        var values: [String: Value] = [:]
        var order: [String] = []
        var head = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    public func value(_ key: String) -> Value? {
        state.withLock { $0.values[key] }
    }

    public func keep(_ value: Value, for key: String) {
        state.withLock { state in
            if state.values.updateValue(value, forKey: key) != nil { return }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                state.values[state.order[state.head]] = nil
                state.order[state.head] = key
                state.head = (state.head + 1) % capacity
            }
        }
    }
}
