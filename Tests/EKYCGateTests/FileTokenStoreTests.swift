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
        calls.datasync = { _ in errno = EIO; return -1 }
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
        calls.datasync = { fd in
            if interrupted.takeFirst() { errno = EINTR; return -1 }
            return Glibc.fdatasync(fd)
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

@Suite struct StoreFaultTests {
    let root = NSTemporaryDirectory() + "ekyc-faults-" + UUID().uuidString

    @Test func failedRenameKeepsThePreviousRecordAndLeavesNoTemp() throws {
        let good = try FileTokenStore(directory: root)
        let token = "BBBBBBBB-0000-0000-0000-000000000001"
        try good.save(TokenRecord(token: token, created: 1, sessionHash: String(repeating: "a", count: 64), extra: nil))
        var calls = Syscalls.live
        calls.rename = { _, _ in errno = EIO; return -1 }
        var changed = try #require(try good.load(token: token))
        changed.status = .passed
        #expect(throws: StoreError.self) { try FileTokenStore(directory: root, syscalls: calls).save(changed) }
        #expect(try good.load(token: token)?.status == .pending)
        #expect(try FileManager.default.contentsOfDirectory(atPath: good.path(for: token).shard).count == 1)
    }

    /// Two callbacks finishing at once, and a sweep running meanwhile: the final result is never lost.
    @Test func concurrentFinalWritesAndSweepsLoseNothing() throws {
        let store = try FileTokenStore(directory: root)
        let tokens = (0..<40).map { String(format: "CCCCCCCC-0000-0000-0000-%012d", $0) }
        for token in tokens { try store.save(TokenRecord(token: token, created: 1_000, sessionHash: String(repeating: "a", count: 64), extra: nil)) }
        DispatchQueue.concurrentPerform(iterations: tokens.count * 2 + 4) { index in
            if index >= tokens.count * 2 { _ = try? store.sweep(now: 2_000); return }
            var record = (try? store.load(token: tokens[index / 2])) ?? nil
            record?.status = .passed
            if let record { try? store.save(record) }
        }
        for token in tokens { #expect(try store.load(token: token)?.status == .passed) }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}

@Suite struct SecretFileTests {
    @Test func worldReadableSecretFileIsRefused() throws {
        let path = NSTemporaryDirectory() + "ekyc-secret-" + UUID().uuidString
        try "secret_id = AKIDx\nsecret_key = k\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        let file = ConfigFile(path: "t.conf", values: ["secret_file": path])
        #expect(throws: ConfigError.self) { try ReferencedFiles.load(for: file) }
        chmod(path, 0o600)
        let files = try ReferencedFiles.load(for: file)
        #expect(try Secrets(config: file, files: files, environment: [:]).credentials.secretId == "AKIDx")
    }
}

@Suite struct DeadWriterTests {
    @Test func tempFilesOfADeadWriterAreSweptAtOnce() throws {
        let root = NSTemporaryDirectory() + "ekyc-dead-" + UUID().uuidString
        let store = try FileTokenStore(directory: root)
        let token = "DDDDDDDD-0000-0000-0000-000000000001"
        try store.save(TokenRecord(token: token, created: 1_000, sessionHash: String(repeating: "a", count: 64), extra: nil))
        let shard = store.path(for: token).shard
        // The PID of a process that has exited (a killed writer); our own PID is alive.
        var gone: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { free(argv[0]) }
        #expect(posix_spawn(&gone, "/bin/true", nil, nil, argv, nil) == 0)
        var status: Int32 = 0
        waitpid(gone, &status, 0)
        _ = FileManager.default.createFile(atPath: shard + "/.tmp-\(gone)-00aa", contents: Data("{\"tok".utf8))
        _ = FileManager.default.createFile(atPath: shard + "/.tmp-\(getpid())-00bb", contents: Data("{".utf8))
        #expect(try store.sweep(now: 1_001) == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: shard).sorted()
        #expect(left.count == 2 && left.contains(".tmp-\(getpid())-00bb"))
    }
}

@Suite struct UnreadableRecordTests {
    /// A record of a later version or a damaged one: swept once older than the retention plus
    /// a day (by its modification time, the only age it still has), kept while younger.
    @Test func sweepRemovesAnUnreadableRecordOnlyOnceItIsOld() throws {
        let root = NSTemporaryDirectory() + "ekyc-unreadable-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try FileTokenStore(directory: root)
        let now: Int64 = 2_000_000
        let oldToken = "EEEEEEEE-0000-0000-0000-000000000001", youngToken = "EEEEEEEE-0000-0000-0000-000000000002"
        for token in [oldToken, youngToken] {
            try store.save(TokenRecord(token: token, created: now, sessionHash: String(repeating: "a", count: 64), extra: nil))
            try Data("{\"version\": 99, \"tok".utf8).write(to: URL(fileURLWithPath: store.path(for: token).file))
        }
        let old = Date(timeIntervalSince1970: TimeInterval(now - FileTokenStore.unreadableRecordSeconds - 60))
        let young = Date(timeIntervalSince1970: TimeInterval(now - TokenRecord.retentionSeconds - 60))
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: store.path(for: oldToken).file)
        try FileManager.default.setAttributes([.modificationDate: young], ofItemAtPath: store.path(for: youngToken).file)

        #expect(try store.sweep(now: now) == 1)
        #expect(!FileManager.default.fileExists(atPath: store.path(for: oldToken).file))
        #expect(FileManager.default.fileExists(atPath: store.path(for: youngToken).file))
    }
}
