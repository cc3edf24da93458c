import Synchronization

/// An in-memory twin of `FileTokenStore` for handler tests.
public final class MemoryTokenStore: TokenStore {
    private let records = Mutex<[String: TokenRecord]>([:])
    /// The outbox (`MemoryTokenStore+EventOutbox.swift`), by event id.
    let events = Mutex<[String: VerificationEvent]>([:])

    public init() {}

    public func save(_ record: TokenRecord) throws(StoreError) {
        records.withLock { all in
            if all[record.token]?.status.isFinal == true { return }
            all[record.token] = record
        }
    }

    public func create(_ record: TokenRecord) throws(StoreError) -> Bool {
        records.withLock { all in
            guard all[record.token] == nil else { return false }
            all[record.token] = record
            return true
        }
    }

    public func load(token: String) throws(StoreError) -> TokenRecord? {
        records.withLock { $0[token] }
    }

    public func remove(token: String) throws(StoreError) {
        _ = records.withLock { $0.removeValue(forKey: token) }
    }

    public func approximateCount() throws(StoreError) -> Int? {
        records.withLock { $0.count }
    }

    public func sweep(now: Int64) throws(StoreError) -> Int {
        records.withLock { all in
            let old = all.filter { $0.value.keepUntil < now }.map(\.key)
            old.forEach { all[$0] = nil }
            return old.count
        }
    }
}
