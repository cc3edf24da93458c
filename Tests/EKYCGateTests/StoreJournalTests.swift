import Foundation
import Testing
@testable import EKYCGate

/// The file store's journal: concurrent saves share flushes, a crashed process's journal is
/// replayed (a torn tail ignored, a final result never replaced, a newer record never rolled
/// back), a live process's journal is never taken, and full segments are retired.
@Suite struct StoreJournalTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "ekyc-journal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    var store: String { root + "/tokens" }
    var folder: String { store + "/journal" }

    func record(_ n: Int, status: TokenRecord.Status = .pending, created: Int64 = WallClock.seconds()) -> TokenRecord {
        var r = TokenRecord(token: String(format: "DDDDDDDD-0000-4000-8000-%012d", n), created: created,
                            sessionHash: String(repeating: "b", count: 64), extra: "order-\(n)")
        r.status = status
        return r
    }

    func segments() throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(StoreJournal.suffix) }
    }

    /// A journal as a killed process leaves it: `entries`, then `tail` (a torn append).
    func deadJournal(_ entries: [JournalEntry], tail: [UInt8] = []) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bytes = entries.flatMap { $0.encoded() } + tail
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/999999-0badc0de\(StoreJournal.suffix)"))
    }

    func entry(_ r: TokenRecord, stamp: Int64 = StoreJournal.stamp()) throws -> JournalEntry {
        JournalEntry(kind: .record, stamp: stamp, payload: Array(try JSONEncoder().encode(r)))
    }

    @Test func entriesDecodeUpToATornTail() throws {
        let a = JournalEntry(kind: .record, stamp: 7, payload: Array("{\"a\":1}".utf8))
        let b = JournalEntry(kind: .removal, stamp: 8, payload: Array("TOKEN".utf8))
        let whole = a.encoded() + b.encoded()
        #expect(JournalEntry.decodeAll(whole).entries == [a, b])
        for cut in 1..<b.encoded().count {
            let decoded = JournalEntry.decodeAll(Array(whole.dropLast(cut)))
            #expect(decoded.entries == [a] && decoded.validBytes == a.encoded().count)
        }
        var flipped = whole
        flipped[flipped.count - 1] ^= 1
        #expect(JournalEntry.decodeAll(flipped).entries == [a])
    }

    @Test func concurrentSavesShareFlushes() throws {
        let flushes = Counter()
        var calls = Syscalls.live
        calls.datasync = { fd in
            flushes.add()
            usleep(2_000)  // a disk's flush: long enough for the other writers to queue behind it
            return Glibc.fdatasync(fd)
        }
        let files = try FileTokenStore(directory: store, syscalls: calls)
        let threads = 16, each = 10
        let done = DispatchGroup()
        for t in 0..<threads {
            done.enter()
            let records = (0..<each).map { record(t * 100 + $0) }
            Thread.detachNewThread {
                for r in records { try? files.save(r) }
                done.leave()
            }
        }
        done.wait()
        for t in 0..<threads {
            for i in 0..<each { #expect(try files.load(token: record(t * 100 + i).token) != nil) }
        }
        // One flush per save would be 160; shared, far fewer.
        #expect(flushes.value < threads * each / 2, "\(flushes.value) flushes for \(threads * each) saves")
    }

    @Test func aKilledProcessesJournalIsReplayedUpToItsTornTail() throws {
        let a = record(1), b = record(2), c = record(3)
        try deadJournal([try entry(a), try entry(b)], tail: Array(try entry(c).encoded().dropLast(5)))
        let files = try FileTokenStore(directory: store)
        #expect(try files.load(token: a.token) == a)
        #expect(try files.load(token: b.token) == b)
        #expect(try files.load(token: c.token) == nil)
        #expect(try segments().isEmpty)
    }

    @Test func replayNeverReplacesAFinalResultNorRollsBackANewerRecord() throws {
        let first = try FileTokenStore(directory: store)
        var passed = record(1)
        passed.status = .passed
        try first.save(passed)
        var newer = record(2)
        let older = try entry(newer, stamp: StoreJournal.stamp() - 1_000_000_000)
        newer.checkedAt = 42
        try first.save(newer)
        var pending = record(3)
        try first.save(pending)
        pending.status = .failed
        let expired = record(4, created: 1_000)
        try deadJournal([try entry(record(1)), older, try entry(pending), try entry(expired)])
        _ = try FileTokenStore(directory: store)
        #expect(try first.load(token: passed.token) == passed)
        #expect(try first.load(token: newer.token) == newer)
        #expect(try first.load(token: pending.token)?.status == .failed)
        #expect(try first.load(token: expired.token) == nil)
    }

    /// The probe of --check-config writes a record and removes it: a crash afterwards must not
    /// bring it back from the journal.
    @Test func aJournaledRemovalStaysRemoved() throws {
        let r = record(5), now = StoreJournal.stamp()
        let removal = JournalEntry(kind: .removal, stamp: now - 1_000_000_000, payload: Array(r.token.utf8))
        try deadJournal([try entry(r, stamp: now - 2_000_000_000), removal])
        let files = try FileTokenStore(directory: store)
        #expect(try files.load(token: r.token) == nil)
    }

    @Test func aLiveProcessesJournalIsNeverTaken() throws {
        let live = try FileTokenStore(directory: store)
        try live.save(record(6))
        let held = try segments()
        #expect(held.count == 1)
        let other = try FileTokenStore(directory: store)
        try other.recoverJournals()
        #expect(try segments().contains(held[0]))
        live.journal.close()
        #expect(try !segments().contains(held[0]), "a clean close retires the segment")
    }

    @Test func fullSegmentsAreRetiredAfterOneSyncfs() throws {
        let syncs = Counter()
        var calls = Syscalls.live
        calls.syncfs = { fd in syncs.add(); return Syscalls.glibcSyncfs(fd) }
        let files = try FileTokenStore(directory: store, syscalls: calls, segmentLimit: 2_000)
        for n in 0..<30 { try files.save(record(100 + n)) }
        #expect(syncs.value >= 3)
        #expect(try segments().count <= 1)
        for n in 0..<30 { #expect(try files.load(token: record(100 + n).token) != nil) }
    }

    /// A full segment is removed only after the record files of its entries have their names:
    /// before that, a power loss would find neither the record file nor its entry.
    @Test func aFullSegmentWaitsForItsRecordFilesToBeNamed() throws {
        let files = try FileTokenStore(directory: store, segmentLimit: 1)
        let ticket = try files.journal.commit(try entry(record(9)))
        let held = try segments()
        #expect(held.count == 1, "retired but not yet removed: its record file has no name yet")
        files.journal.published(ticket)
        #expect(try segments().isEmpty)
    }

    @Test func aFailedAppendIsOverwrittenByTheNext() throws {
        let failFirst = ManagedFlag()
        var calls = Syscalls.live
        calls.pwrite = { fd, bytes, offset in
            if failFirst.takeFirst() {
                // A torn append: half the entry reaches the file, then the disk is full.
                _ = Glibc.pwrite(fd, bytes.baseAddress, bytes.count / 2, off_t(offset))
                errno = ENOSPC
                return -1
            }
            return Glibc.pwrite(fd, bytes.baseAddress, bytes.count, off_t(offset))
        }
        let files = try FileTokenStore(directory: store, syscalls: calls)
        #expect(throws: StoreError.self) { try files.save(record(7)) }
        #expect(try files.load(token: record(7).token) == nil)
        try files.save(record(8))
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: folder + "/" + segments()[0])))
        let decoded = JournalEntry.decodeAll(bytes)
        #expect(decoded.entries.count == 1 && decoded.validBytes == bytes.count)
    }

    @Test func aVanishedStoreIsNotRecreatedUnlessAsked() throws {
        #expect(throws: StoreError.self) { try FileTokenStore(directory: store, create: false) }
        #expect(!FileManager.default.fileExists(atPath: store))
        _ = try FileTokenStore(directory: store, create: true)
        _ = try FileTokenStore(directory: store, create: false)
    }
}
