import Foundation
import Testing
import FastCGI
@testable import EKYCGate

/// The store quota beyond what every store promises (`TokenStoreContractTests`): the file
/// store's counts file on a real directory, the hourly counts it keeps, Redis's byte limit,
/// the config keys, START's answer and the status page.
@Suite struct StoreQuotaTests {
    let root = NSTemporaryDirectory() + "ekyc-quota-" + UUID().uuidString
    static let now: Int64 = 1_800_000_000

    static func record(_ index: Int, created: Int64 = now) -> TokenRecord {
        TokenRecord(token: String(format: "FFFFFFFF-0000-0000-0000-%012d", index), created: created,
                    sessionHash: String(repeating: "a", count: 64), extra: nil)
    }

    /// Two handler processes on one machine share the counts: each counts its records once, and
    /// the quota holds for both together.
    @Test func processesOfOneMachineShareTheCounts() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let quota = StoreQuota(maxRecords: 3, maxBytes: nil)
        let start = try FileTokenStore(directory: root, quota: quota), other = try FileTokenStore(directory: root, quota: quota)
        try start.save(Self.record(1))
        try other.save(Self.record(2))
        try start.save(Self.record(3))
        #expect(throws: StoreError.self) { try other.save(Self.record(4)) }
        #expect(try start.usage()?.records == 3)
    }

    @Test func storeMaxBytesCountsTheRecordsBytes() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let size = try JSONEncoder().encode(Self.record(1)).count
        let store = try FileTokenStore(directory: root, quota: StoreQuota(maxRecords: nil, maxBytes: 2 * size))
        try store.save(Self.record(1))
        try store.save(Self.record(2))
        do { try store.save(Self.record(3)); Issue.record("taken past store_max_bytes") } catch {
            #expect(error.kind == .full && error.description.contains("store_max_bytes"))
        }
        #expect(try store.usage() == StoreUsage(records: 2, bytes: 2 * size))
    }

    /// The sweep counts the records themselves: a lost counts file comes back, expired records
    /// stop counting, and the quota has room again.
    @Test func theSweepRebuildsTheCounts() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try FileTokenStore(directory: root, quota: StoreQuota(maxRecords: 2, maxBytes: nil))
        try store.save(Self.record(1, created: Self.now - TokenRecord.retentionSeconds - 7_200))
        try store.save(Self.record(2))
        try FileManager.default.removeItem(atPath: root + "/" + QuotaCountsFile.name)
        #expect(try store.sweep(now: Self.now) == 1)
        let counts = try String(contentsOfFile: root + "/" + QuotaCountsFile.name, encoding: .utf8)
        #expect(HourlyCounts(parsing: counts).total.records == 1)
        try store.save(Self.record(3))
        #expect(throws: StoreError.self) { try store.save(Self.record(4)) }
    }

    /// Run as root (a sweep by hand, say), the counts file still belongs to the store's owner,
    /// or the service user could start no verification.
    @Test(.enabled(if: geteuid() == 0)) func theCountsFileBelongsToTheStoresOwner() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try FileTokenStore(directory: root)
        chown(root, 65_534, 65_534)
        _ = try store.sweep(now: Self.now)
        let owner = try FileManager.default.attributesOfItem(atPath: root + "/" + QuotaCountsFile.name)[.ownerAccountID] as? Int
        #expect(owner == 65_534)
    }

    @Test func hourlyCountsAgeOutWithTheRetention() {
        var counts = HourlyCounts()
        counts.add(created: Self.now, bytes: 500)
        counts.add(created: Self.now + 10, bytes: 300)
        counts.add(created: Self.now + 3_600, bytes: 200)
        #expect(counts.total == StoreUsage(records: 3, bytes: 1_000))
        #expect(HourlyCounts(parsing: counts.text) == counts)
        let firstHourGone = HourlyCounts.hour(of: Self.now) + 3_600 + TokenRecord.retentionSeconds
        #expect(counts.live(at: firstHourGone - 1).total.records == 3)
        #expect(counts.live(at: firstHourGone).total == StoreUsage(records: 1, bytes: 200))
    }

    @Test func aTornCountsLineIsSkipped() {
        let counts = HourlyCounts(parsing: "# comment\n1800000000 4 2000\n1800003600 2 10")
        #expect(counts.total == StoreUsage(records: 6, bytes: 2_010))
        #expect(HourlyCounts(parsing: "1800000000 4 2000\n18000036").total == StoreUsage(records: 4, bytes: 2_000))
    }

    /// Hours before the sweep began are as walked; the sweep's own hour keeps what the handlers
    /// counted while it walked.
    @Test func aRebuildKeepsWhatWasCountedDuringTheWalk() {
        var walked = HourlyCounts(), kept = HourlyCounts()
        walked.add(created: Self.now - 7_200, bytes: 100)
        kept.add(created: Self.now - 7_200, bytes: 100, records: 5)
        walked.add(created: Self.now, bytes: 100)
        kept.add(created: Self.now, bytes: 300, records: 3)
        let rebuilt = HourlyCounts.rebuilt(walked: walked, kept: kept, sweepStarted: Self.now)
        #expect(rebuilt.total == StoreUsage(records: 4, bytes: 400))
    }

    /// On Redis, store_max_bytes is Redis's used_memory: checked in the write script itself.
    @Test func redisRefusesANewRecordPastItsMemoryButNotAResult() throws {
        let server = try RedisServer()
        let pending = TokenRecord(token: "FFFFFFFF-0000-0000-0000-000000000001", created: WallClock.seconds(),
                                  sessionHash: String(repeating: "a", count: 64), extra: nil)
        try RedisTokenStore(options: server.options).save(pending)
        let store = RedisTokenStore(options: server.options, quota: StoreQuota(maxRecords: nil, maxBytes: 1))
        var other = pending
        other.token = "FFFFFFFF-0000-0000-0000-000000000002"
        do { try store.save(other); Issue.record("taken past store_max_bytes") } catch {
            #expect(error.kind == .full)
        }
        var final = pending
        final.status = .passed
        try store.save(final)
        #expect(try store.load(token: pending.token)?.status == .passed)
        #expect(try store.usage()?.records == 1)
    }

    @Test func configKeys() throws {
        let defaults = try Fixtures.config()
        #expect(defaults.storeQuota == StoreQuota(maxRecords: 1_000_000, maxBytes: 2 << 30))
        #expect(defaults.bodyMemoryLimit == 64 << 20)
        let set = try Fixtures.config(["store_max_records": "off", "store_max_bytes": "1048576"])
        #expect(set.storeQuota == StoreQuota(maxRecords: nil, maxBytes: 1 << 20))
        #expect(throws: ConfigError.self) { try Fixtures.config(["store_max_records": "lots"]) }
        do { _ = try Fixtures.config(["body_memory_limit": "1048576"]); Issue.record("a budget below max_body_bytes") } catch {
            #expect("\(error)".contains("max_body_bytes"))
        }
    }

    @Test func startAnswersStoreFullWithoutARedirect() throws {
        let store = MemoryTokenStore(quota: StoreQuota(maxRecords: 0, maxBytes: nil))
        let response = StartHandler(config: try Fixtures.config(), api: FakeFaceID(), store: store).handle(Fixtures.get("/ekyc/start"))
        #expect(response.status == 503)
        #expect(Fixtures.header(response, "Location") == nil && Fixtures.header(response, "Retry-After") != nil)
        #expect(JSONValue.parse(response.body)?["error"]?["code"] == .string("store_full"))
    }

    @Test func statusPageSaysTheStoreIsFull() throws {
        let metrics = Metrics(role: "ekyc-callback", workers: 4, startedAt: 1_000)
        let full = StoreQuotaStatus(usage: StoreUsage(records: 5, bytes: 900), quota: StoreQuota(maxRecords: 5, maxBytes: nil))
        let page = StatusPage(allowed: [AddressPattern("127.0.0.1")!], metrics: metrics, storeRecords: { 5 }, storeQuota: { full })
        func get(_ query: String) -> String {
            String(decoding: page.handle(HTTPRequest(params: ["DOCUMENT_URI": "/ekyc/status", "QUERY_STRING": query,
                                                              "REMOTE_ADDR": "127.0.0.1"])).body, as: UTF8.self)
        }
        #expect(get("").contains("store quota:        5 of 5 records, 900 bytes (no limit)"))
        #expect(get("").contains("store full:         yes"))
        #expect(JSONValue.parse(Array(get("json").utf8))?["storeQuota"]?["full"] == .bool(true))
        #expect(get("prometheus").contains(#"ekyc_store_full{role="ekyc-callback"} 1"#))
    }
}
