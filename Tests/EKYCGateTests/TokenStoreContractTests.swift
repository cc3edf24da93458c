import Foundation
import Testing
@testable import EKYCGate

/// What every token store promises the handlers, run against each backend: the in-memory
/// twin, the file store on a real directory, and the Redis store on a real redis-server.
@Suite struct TokenStoreContractTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, file, redis
        var testDescription: String { rawValue }
    }

    /// A store of one backend plus what it runs on; released when the test ends.
    final class Fixture {
        /// Each store is also its outbox (`EventOutboxContractTests`).
        let store: any TokenStore & DeliveryQueue
        private let directory: String?
        private let redis: RedisServer?

        init(_ backend: Backend, quota: StoreQuota = .off) throws {
            switch backend {
            case .memory:
                store = MemoryTokenStore(quota: quota); directory = nil; redis = nil
            case .file:
                let root = NSTemporaryDirectory() + "ekyc-store-" + UUID().uuidString
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
                store = try FileTokenStore(directory: root + "/tokens", quota: quota); directory = root; redis = nil
            case .redis:
                let server = try RedisServer()
                store = RedisTokenStore(options: server.options, quota: quota); directory = nil; redis = server
            }
        }

        deinit { if let directory { try? FileManager.default.removeItem(atPath: directory) } }
    }

    /// Records are created now: the Redis store keeps a record only until its `keepUntil`.
    static func record(_ token: String = "81EEF678-28EE-4759-A82E-6CBBBE6BC442") -> TokenRecord {
        TokenRecord(token: token, created: WallClock.seconds(), sessionHash: String(repeating: "a", count: 64), extra: "order-42")
    }

    static func final(_ status: TokenRecord.Status, requestId: String, base: TokenRecord = record()) -> TokenRecord {
        var record = base
        record.status = status
        record.result = StoredResult(errorCode: status == .passed ? 0 : 1001, errorMsg: status == .passed ? "Success" : "Liveness failed",
                                     reason: status == .passed ? nil : "liveness_failed",
                                     attempts: [StoredAttempt(errorCode: 0, errorMsg: "ok", livenessErrorCode: 0, compareErrorCode: 0,
                                                                   reqTimestamp: 1_700_000_000_000, similarity: 93.5, seq: "seq-1")],
                                     requestId: requestId, completed: record.created + 30)
        return record
    }

    @Test(arguments: Backend.allCases) func savedRecordIsLoadedWhole(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let stored = Self.final(.passed, requestId: "req-1")
        try fixture.store.save(stored)
        #expect(try fixture.store.load(token: stored.token) == stored)
    }

    @Test(arguments: Backend.allCases) func unknownTokenIsNil(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        try fixture.store.save(Self.record())
        #expect(try fixture.store.load(token: "00000000-0000-0000-0000-000000000000") == nil)
    }

    @Test(arguments: Backend.allCases) func pendingRecordIsReplacedByTheFinalOne(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        try fixture.store.save(Self.record())
        #expect(try fixture.store.load(token: Self.record().token)?.status == .pending)
        try fixture.store.save(Self.final(.failed, requestId: "req-1"))
        #expect(try fixture.store.load(token: Self.record().token)?.status == .failed)
    }

    @Test(arguments: Backend.allCases) func finalResultIsWrittenOnce(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let first = Self.final(.passed, requestId: "req-first")
        try fixture.store.save(Self.record())
        try fixture.store.save(first)
        try fixture.store.save(Self.final(.failed, requestId: "req-second"))
        try fixture.store.save(Self.record())
        #expect(try fixture.store.load(token: first.token) == first)
    }

    /// Callbacks on several threads (or machines) racing to store their final result: one of
    /// them wins, whole, and stays.
    @Test(arguments: Backend.allCases) func racingFinalResultsLeaveOneWholeResult(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let pending = Self.record()
        try fixture.store.save(pending)
        let writers = 8
        let candidates = (0..<writers).map { Self.final($0 % 2 == 0 ? .passed : .failed, requestId: "req-\($0)", base: pending) }
        let failures = Counter()
        // One store per writer, as each worker thread has its own.
        let stores = (0..<writers).map { _ in fixture.store.sibling() }
        DispatchQueue.concurrentPerform(iterations: writers) { index in
            let store = stores[index]
            do { try store.save(candidates[index]) } catch { failures.add() }
        }
        #expect(failures.value == 0)
        let stored = try #require(try fixture.store.load(token: pending.token))
        #expect(candidates.contains(stored))
        for candidate in candidates { try fixture.store.save(candidate) }
        #expect(try fixture.store.load(token: pending.token) == stored)
    }

    /// `create` is the single-use claim: of several racing creators exactly one wins, and what
    /// it wrote stays.
    @Test(arguments: Backend.allCases) func exactlyOneRacingCreatorWins(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let writers = 8
        let candidates = (0..<writers).map { index in
            var record = Self.record("LINK-0000000000000000000000000000000000000000")
            record.extra = "writer-\(index)"
            return record
        }
        let won = Counter(), failures = Counter()
        let stores = (0..<writers).map { _ in fixture.store.sibling() }
        DispatchQueue.concurrentPerform(iterations: writers) { index in
            do { if try stores[index].create(candidates[index]) { won.add() } } catch { failures.add() }
        }
        #expect(won.value == 1 && failures.value == 0)
        let stored = try #require(try fixture.store.load(token: candidates[0].token))
        #expect(candidates.contains(stored))
        #expect(try !fixture.store.create(candidates[0]))
        try fixture.store.remove(token: stored.token)
        #expect(try fixture.store.create(candidates[0]), "a released claim can be made again")
    }

    /// Past `store_max_records` a new verification is refused with an error a handler can tell
    /// apart from a failure; nothing of it is stored.
    @Test(arguments: Backend.allCases) func aFullStoreRefusesANewPendingRecord(_ backend: Backend) throws {
        let fixture = try Fixture(backend, quota: StoreQuota(maxRecords: 2, maxBytes: nil))
        try fixture.store.save(Self.record("AAAAAAAA-0000-0000-0000-000000000001"))
        try fixture.store.save(Self.record("AAAAAAAA-0000-0000-0000-000000000002"))
        let refused = "AAAAAAAA-0000-0000-0000-000000000003"
        do {
            try fixture.store.save(Self.record(refused))
            Issue.record("a third record was taken past store_max_records = 2")
        } catch {
            #expect(error.kind == .full)
            #expect(error.description.contains("store_max_records"))
        }
        #expect(try fixture.store.load(token: refused) == nil)
        #expect(try fixture.store.usage()?.records == 2)
    }

    /// A user who finished always gets their result: at the quota, a result written over a
    /// stored record, and a pending record written again, go through.
    @Test(arguments: Backend.allCases) func aFullStoreStillTakesResults(_ backend: Backend) throws {
        let fixture = try Fixture(backend, quota: StoreQuota(maxRecords: 1, maxBytes: nil))
        let pending = Self.record()
        try fixture.store.save(pending)
        #expect(throws: StoreError.self) { try fixture.store.save(Self.record("AAAAAAAA-0000-0000-0000-000000000009")) }
        try fixture.store.save(pending)
        let final = Self.final(.passed, requestId: "req-1")
        try fixture.store.save(final)
        #expect(try fixture.store.load(token: final.token) == final)
    }

    /// The reconciler lists the store each round: every record, whole; none that was removed;
    /// nothing that is not a record (the limiter's table or keys, a writer's temp file).
    @Test(arguments: Backend.allCases) func everyRecordIsListedWhole(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let records = (1...30).map { Self.record(String(format: "AAAAAAAA-0000-0000-0000-%012d", $0)) }
            + [Self.final(.passed, requestId: "req-1")]
        for record in records { try fixture.store.save(record) }
        try fixture.store.remove(token: records[0].token)
        let files = fixture.store as? FileTokenStore
        let limiter = (fixture.store as? any RateLimiter) ?? files.map { FileRateLimiter(directory: $0.directory) }
        _ = try limiter?.take("read:address:127.0.0.1", rate: .perSecond(1), now: WallClock.milliseconds())
        if let files {
            let shard = files.path(for: records[1].token).shard
            try Data("{\"partial".utf8).write(to: URL(fileURLWithPath: shard + "/" + FileTokenStore.tempPrefix + "1-00"))
        }
        var listed: [String: TokenRecord] = [:]
        try fixture.store.forEachRecord { listed[$0.token] = $0 }
        #expect(listed == Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0.token, $0) }))
    }

    @Test(arguments: Backend.allCases) func recordsOfDifferentTokensAreApart(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let tokens = (1...20).map { String(format: "AAAAAAAA-0000-0000-0000-%012d", $0) }
        for token in tokens { try fixture.store.save(Self.record(token)) }
        for token in tokens { #expect(try fixture.store.load(token: token)?.token == token) }
    }
}

extension TokenStore where Self: DeliveryQueue {
    /// Another instance on the same data: a second worker's Redis connection.
    func sibling() -> any TokenStore & DeliveryQueue {
        if let redis = self as? RedisTokenStore { return RedisTokenStore(options: redis.options, quota: redis.quota) }
        return self
    }
}

final class Counter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
