/// `store_max_records` and `store_max_bytes`: how much a store may hold before it refuses new
/// verifications. Each start leaves a record for 3 days, so a steady rate of starts fills a
/// disk's inodes or a Redis's memory; past the quota START answers 503 `store_full` instead.
/// Only a new pending record is checked: a result written over an existing record never is, so
/// a user who finished always gets their result.
public struct StoreQuota: Sendable, Equatable {
    /// nil: no limit.
    public var maxRecords: Int?
    public var maxBytes: Int?

    public static let defaultMaxRecords = 1_000_000
    public static let defaultMaxBytes = 2 << 30
    public static let standard = StoreQuota(maxRecords: defaultMaxRecords, maxBytes: defaultMaxBytes)
    public static let off = StoreQuota(maxRecords: nil, maxBytes: nil)

    public init(maxRecords: Int?, maxBytes: Int?) {
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
    }

    /// Full once either count has reached its limit: the record that would come next is refused.
    public func isFull(_ usage: StoreUsage) -> Bool {
        if let maxRecords, usage.records >= maxRecords { return true }
        if let maxBytes, usage.bytes >= maxBytes { return true }
        return false
    }

    /// The error a save answers when the store is full; `where` names the store.
    public func refusal(_ usage: StoreUsage, where place: String) -> StoreError {
        var reached: [String] = []
        if let maxRecords, usage.records >= maxRecords { reached.append("\(usage.records) records of store_max_records = \(maxRecords)") }
        if let maxBytes, usage.bytes >= maxBytes { reached.append("\(usage.bytes) bytes of store_max_bytes = \(maxBytes)") }
        // Empty when the count read for this message differs from the one the store refused on.
        let what = reached.isEmpty ? "at store_max_records or store_max_bytes" : reached.joined(separator: ", ")
        return StoreError(call: "quota", path: place, errno: 0,
                          detail: "the store is full (\(what)); new verifications wait until records age out after 3 days — check that the sweep runs, or raise the limit",
                          kind: .full)
    }
}

/// What a store holds, as counted against its quota.
public struct StoreUsage: Sendable, Equatable {
    public var records: Int
    public var bytes: Int

    public init(records: Int, bytes: Int) {
        self.records = records
        self.bytes = bytes
    }
}
