#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RedisClient

/// Listing the records of a Redis store: `SCAN` over the record keys, a batch at a time, and one
/// `MGET` per batch. `SCAN` never blocks the server the way `KEYS` would, so the handlers' commands
/// keep their latency while the reconciler lists; its price is that a key may come twice.
extension RedisTokenStore {
    /// Keys asked of `SCAN` per call, and so values fetched per `MGET`.
    static let listBatch = 500

    public func forEachRecord(_ visit: (TokenRecord) -> Void) throws(StoreError) {
        let pattern = Self.keyPrefix + "*"
        var cursor = "0"
        repeat {
            let reply = try run(key: pattern) { _ in
                ["SCAN", cursor, "MATCH", pattern, "COUNT", String(Self.listBatch)].map { Array($0.utf8) }
            }
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].text, case .array(let names) = parts[1] else {
                throw StoreError(call: "SCAN", path: pattern, errno: 0, detail: "unexpected reply \(reply)")
            }
            cursor = next
            let keys = names.compactMap { name -> [UInt8]? in if case .string(let bytes) = name { bytes } else { nil } }
            if keys.isEmpty { continue }
            let values = try run(key: pattern) { _ in [Array("MGET".utf8)] + keys }
            guard case .array(let records) = values, records.count == keys.count else {
                throw StoreError(call: "MGET", path: pattern, errno: 0, detail: "unexpected reply \(values)")
            }
            for (key, value) in zip(keys, records) {
                // Gone since the SCAN (its TTL ended), or not a record: passed over.
                guard case .string(let bytes) = value,
                      let record = try? JSONDecoder().decode(TokenRecord.self, from: Data(bytes)),
                      Array(Self.key(for: record.token).utf8) == key else { continue }
                visit(record)
            }
        } while cursor != "0"
    }
}
