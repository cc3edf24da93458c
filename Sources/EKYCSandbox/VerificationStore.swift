import Synchronization

/// Where the sandbox keeps its flows. The in-memory store is the only one today; the protocol
/// keeps handlers testable and leaves room for a shared one.
public protocol VerificationStore: Sendable {
    func insert(_ record: VerificationRecord, nowSeconds: Int64)
    func record(_ bizToken: String) -> VerificationRecord?
    /// Reads and changes one record atomically; `body` gets nil for an unknown token.
    func update<T>(_ bizToken: String, _ body: (inout VerificationRecord?) -> T) -> T
}

/// All flows in this process's memory, guarded by a mutex (workers are threads). A restart
/// forgets every token.
public final class MemoryVerificationStore: VerificationStore {
    /// Records are dropped this long after Apply: between the end of retention and this point
    /// Get answers `BizTokenExpired`, afterwards `BizTokenIllegal`.
    public static let forgetAfterSeconds: Int64 = 7 * 86_400

    private let records = Mutex<[String: VerificationRecord]>([:])
    private let inserts = Atomic<Int>(0)

    public init() {}

    public func insert(_ record: VerificationRecord, nowSeconds: Int64) {
        // Sweep now and then rather than on every insert.
        let sweep = inserts.add(1, ordering: .relaxed).newValue % 1_000 == 0
        records.withLock { all in
            if sweep { all = all.filter { nowSeconds - $0.value.createdSeconds <= Self.forgetAfterSeconds } }
            all[record.bizToken] = record
        }
    }

    public func record(_ bizToken: String) -> VerificationRecord? {
        records.withLock { $0[bizToken] }
    }

    public func update<T>(_ bizToken: String, _ body: (inout VerificationRecord?) -> T) -> T {
        records.withLock { all in
            var record = all[bizToken]
            let result = body(&record)
            all[bizToken] = record
            return result
        }
    }

    public var count: Int { records.withLock { $0.count } }
}
