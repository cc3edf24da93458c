import Foundation
import Testing
@testable import EKYCGate

/// The file store on a real directory, plus failures forced through its syscall seam
/// (what every store promises is in `TokenStoreContractTests`).
@Suite struct FileTokenStoreTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "ekyc-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func record(_ token: String = "81EEF678-28EE-4759-A82E-6CBBBE6BC442", created: Int64 = 1_000) -> TokenRecord {
        TokenRecord(token: token, created: created, sessionHash: String(repeating: "a", count: 64), extra: "order-42")
    }

    @Test func fileNameIsAHashNeverTheToken() throws {
        let store = try FileTokenStore(directory: root + "/tokens")
        try store.save(record())
        let (shard, file) = store.path(for: record().token)
        #expect(!file.contains(record().token))
        #expect(FileManager.default.fileExists(atPath: file))
        let names = try FileManager.default.contentsOfDirectory(atPath: shard)
        #expect(names.count == 1 && names[0].hasSuffix(".json"))
    }

    @Test func permissionsAreOwnerOnly() throws {
        let store = try FileTokenStore(directory: root + "/tokens")
        try store.save(record())
        let dirMode = try FileManager.default.attributesOfItem(atPath: root + "/tokens")[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: store.path(for: record().token).file)[.posixPermissions] as? Int
        #expect(dirMode == 0o700)
        #expect(fileMode == 0o600)
    }

    @Test func replaceKeepsOneWholeRecord() throws {
        let store = try FileTokenStore(directory: root + "/tokens")
        var r = record()
        try store.save(r)
        r.status = .passed
        try store.save(r)
        #expect(try store.load(token: r.token)?.status == .passed)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.path(for: r.token).shard).count == 1)
    }

    @Test func failedFsyncLeavesPreviousRecordAndNoTemp() throws {
        let good = try FileTokenStore(directory: root + "/tokens")
        try good.save(record())
        var calls = Syscalls.live
        calls.fsync = { _ in errno = EIO; return -1 }
        let failing = try FileTokenStore(directory: root + "/tokens", syscalls: calls)
        var changed = record()
        changed.status = .failed
        #expect(throws: StoreError.self) { try failing.save(changed) }
        #expect(try good.load(token: changed.token)?.status == .pending)
        #expect(try FileManager.default.contentsOfDirectory(atPath: good.path(for: changed.token).shard).count == 1)
    }

    @Test func fullDiskIsAnErrorNamingTheCall() throws {
        var calls = Syscalls.live
        calls.write = { _, _ in errno = ENOSPC; return -1 }
        let store = try FileTokenStore(directory: root + "/tokens", syscalls: calls)
        do {
            try store.save(record())
            Issue.record("expected ENOSPC")
        } catch {
            #expect(error.call == "write" && error.errno == ENOSPC)
        }
        #expect(try store.load(token: record().token) == nil)
    }

    @Test func interruptedCallsAreRetried() throws {
        let interrupted = ManagedFlag()
        var calls = Syscalls.live
        calls.fsync = { fd in
            if interrupted.takeFirst() { errno = EINTR; return -1 }
            return Glibc.fsync(fd)
        }
        let store = try FileTokenStore(directory: root + "/tokens", syscalls: calls)
        try store.save(record())
        #expect(try store.load(token: record().token) != nil)
    }

    @Test func sweepRemovesExpiredRecordsAndStaleTemps() throws {
        let store = try FileTokenStore(directory: root + "/tokens")
        try store.save(record("AAAAAAAA-0000-0000-0000-000000000001", created: 1_000))
        try store.save(record("AAAAAAAA-0000-0000-0000-000000000002", created: 500_000))
        let shard = store.path(for: "AAAAAAAA-0000-0000-0000-000000000001").shard
        let temp = shard + "/.tmp-deadbeef"
        _ = FileManager.default.createFile(atPath: temp, contents: Data("{".utf8))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000)], ofItemAtPath: temp)
        let removed = try store.sweep(now: 1_000 + TokenRecord.retentionSeconds + 1)
        #expect(removed == 2)
        #expect(try store.load(token: "AAAAAAAA-0000-0000-0000-000000000001") == nil)
        #expect(try store.load(token: "AAAAAAAA-0000-0000-0000-000000000002") != nil)
        #expect(!FileManager.default.fileExists(atPath: temp))
    }

    @Test func corruptRecordIsAnErrorNotAnAnswer() throws {
        let store = try FileTokenStore(directory: root + "/tokens")
        try store.save(record())
        try Data("{\"tok".utf8).write(to: URL(fileURLWithPath: store.path(for: record().token).file))
        #expect(throws: StoreError.self) { try store.load(token: record().token) }
    }
}

/// True exactly once, for a fault injected on the first call only.
final class ManagedFlag: @unchecked Sendable {
    private var used = false
    private let lock = NSLock()
    func takeFirst() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if used { return false }
        used = true
        return true
    }
}
