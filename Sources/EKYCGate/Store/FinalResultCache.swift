/// Final records of this process, kept in memory: a final result never changes (the stores
/// write it once), so a callback that asks again, or the merchant's page polling it, is answered
/// without reading and decoding the record. Bounded; the oldest entries go first.
public final class FinalResultCache: Sendable {
    private let records: BoundedCache<TokenRecord>

    public var capacity: Int { records.capacity }

    public init(capacity: Int = 4096) {
        records = BoundedCache(capacity: capacity)
    }

    public func record(_ token: String) -> TokenRecord? {
        records.value(token)
    }

    /// Keeps `record` if it is final; anything else is not cacheable.
    public func keep(_ record: TokenRecord) {
        guard record.status.isFinal else { return }
        records.keep(record, for: record.token)
    }
}
