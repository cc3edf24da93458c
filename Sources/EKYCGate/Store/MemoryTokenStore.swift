#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// An in-memory twin of `FileTokenStore` for handler tests.
public final class MemoryTokenStore: TokenStore {
    public let quota: StoreQuota
    private let records = Mutex<[String: TokenRecord]>([:])
    /// The outbox (`MemoryTokenStore+EventOutbox.swift`), by event id.
    let events = Mutex<[String: VerificationEvent]>([:])

    public init(quota: StoreQuota = .off) {
        self.quota = quota
    }

    public func save(_ record: TokenRecord) throws(StoreError) {
        try records.withLock { (all: inout [String: TokenRecord]) throws(StoreError) in
            let existing = all[record.token]
            if existing?.status.isFinal == true { return }
            if existing == nil && record.status == .pending {
                let usage = Self.usage(of: all)
                if quota.isFull(usage) { throw quota.refusal(usage, where: "memory") }
            }
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

    public func usage() throws(StoreError) -> StoreUsage? {
        records.withLock { Self.usage(of: $0) }
    }

    /// Bytes as the file store counts them: each record's JSON.
    private static func usage(of records: [String: TokenRecord]) -> StoreUsage {
        StoreUsage(records: records.count, bytes: records.values.reduce(0) { $0 + ((try? JSONEncoder().encode($1).count) ?? 0) })
    }

    /// Visits a snapshot, so `visit` may use the store.
    public func forEachRecord(_ visit: (TokenRecord) -> Void) throws(StoreError) {
        records.withLock { Array($0.values) }.forEach(visit)
    }

    public func sweep(now: Int64) throws(StoreError) -> Int {
        records.withLock { all in
            let old = all.filter { $0.value.keepUntil < now }.map(\.key)
            old.forEach { all[$0] = nil }
            return old.count
        }
    }
}
