#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import EKYCCrypto

/// One JSON file per token, crash-safe by group commit: each write is first appended to the
/// process's journal (`StoreJournal`), made durable by one `fdatasync` shared with every
/// concurrent write, then the record file is given its name (temp file, rename or link, under
/// the shard's lock) without a flush of its own. File names are the SHA-256 of the token,
/// sharded by its first byte, so a token never becomes a path and readers never see a partial
/// record; the journal is only read after a crash (`recoverJournals`).
public final class FileTokenStore: TokenStore {
    public let directory: String
    public let quota: StoreQuota
    let files: DurableFiles
    let journal: StoreJournal
    private let counts: QuotaCountsFile
    static let tempPrefix = DurableFiles.tempPrefix
    /// A record file that cannot be read is removed once older than this: the retention, plus a
    /// day in which a version that can read it may still be rolled back to.
    static let unreadableRecordSeconds: Int64 = TokenRecord.retentionSeconds + 86_400

    /// Opens the store directory, and replays what crashed processes left in their journals.
    /// A missing directory is created (mode 0700; its parent must exist) only when `create`:
    /// a store that vanished (an unmounted disk, a wrong path) must not silently start empty.
    public init(directory: String, quota: StoreQuota = .off, syscalls: Syscalls = .live,
                create: Bool = true, segmentLimit: Int = 4 << 20) throws(StoreError) {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.quota = quota
        self.files = DurableFiles(sys: syscalls)
        counts = QuotaCountsFile(store: self.directory, syscalls: syscalls)
        journal = StoreJournal(storeDirectory: self.directory, files: files, segmentLimit: segmentLimit)
        if create {
            try files.makeDirectory(self.directory)
        } else {
            var info = stat()
            guard stat(self.directory, &info) == 0 else {
                let code = errno
                throw StoreError(call: "stat", path: self.directory, errno: code, detail: code == ENOENT
                    ? "the store directory does not exist — if it was lost, restore it (or mount its disk); for a new store, create it "
                        + "(install -d -m 700 -o <handlers' user> \(self.directory)) or set store_create = true"
                    : String(cString: strerror(code)))
            }
        }
        try recoverJournals()
    }

    public func path(for token: String) -> (shard: String, file: String) {
        let name = SHA256.hexHash(token)
        let shard = "\(directory)/\(name.prefix(2))"
        return (shard, "\(shard)/\(name).json")
    }

    public func save(_ record: TokenRecord) throws(StoreError) {
        let (shard, file) = path(for: record.token)
        let bytes = try admitted(record, file)
        _ = try journaled(bytes, shard: shard) {
            // A final record is written once: the check and the rename happen under one lock,
            // so a racing writer cannot slip a rename in between.
            (try? load(token: record.token))??.status.isFinal != true
        } publish: { (temp) throws(StoreError) in
            try files.rename(temp, to: file, directory: shard, sync: false)
            return true
        }
    }

    public func create(_ record: TokenRecord) throws(StoreError) -> Bool {
        let (shard, file) = path(for: record.token)
        let bytes = try admitted(record, file)
        return try journaled(bytes, shard: shard) {
            Self.isMissing(file)
        } publish: { (temp) throws(StoreError) in
            // link(2) gives the complete temp file its name only if the name is free: of two
            // creators exactly one succeeds (the check above runs under the shard's lock, and
            // link also holds against a writer that does not take it). The temp name is then a
            // second name of the record: removed here.
            let linked = try files.link(temp, to: file, directory: shard, sync: false)
            if linked { _ = files.sys.unlink(temp) }
            return linked
        }
    }

    /// The record's bytes, once the quota has room for it. Only a new pending record is
    /// counted, and refused when the store is full: a result written over an existing record
    /// always goes through.
    private func admitted(_ record: TokenRecord, _ file: String) throws(StoreError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = Array(try JSONEncoder().encode(record)) } catch {
            throw StoreError(call: "encode", path: file, errno: 0, detail: "\(error)")
        }
        if record.status == .pending && Self.isMissing(file) {
            try counts.admit(created: record.created, bytes: bytes.count, quota: quota)
        }
        return bytes
    }

    public func load(token: String) throws(StoreError) -> TokenRecord? {
        let (_, file) = path(for: token)
        let bytes: [UInt8]
        do { bytes = try FileReading.bytes(atPath: file, limit: 1 << 20) } catch {
            if error.errno == ENOENT { return nil }
            throw StoreError(call: "read", path: file, errno: error.errno, detail: error.reason)
        }
        let record: TokenRecord
        do { record = try JSONDecoder().decode(TokenRecord.self, from: Data(bytes)) } catch {
            throw StoreError(call: "decode", path: file, errno: 0, detail: "record is not valid JSON: \(error)")
        }
        // The name is a hash of the token; a record under another token's name is not this one's.
        guard record.token == token else { return nil }
        return record
    }

    /// The removal is journaled, so a crash cannot bring the record back from an older entry.
    public func remove(token: String) throws(StoreError) {
        let (shard, file) = path(for: token)
        guard !Self.isMissing(file) else { return }
        try files.withLock(shard) { (_) throws(StoreError) in
            let ticket = try journal.commit(JournalEntry(kind: .removal, stamp: StoreJournal.stamp(), payload: Array(token.utf8)))
            defer { journal.published(ticket) }
            if files.sys.unlink(file) != 0, errno != ENOENT {
                let code = errno
                throw StoreError(call: "unlink", path: file, errno: code, detail: String(cString: strerror(code)))
            }
        }
    }

    /// The records of the counts file (no directory walk, so a status scrape stays cheap).
    public func approximateCount() throws(StoreError) -> Int? {
        try usage()?.records
    }

    public func usage() throws(StoreError) -> StoreUsage? {
        try counts.usage(at: WallClock.seconds())
    }

    /// Also counts what stays, by hour of creation, into the counts file of the quota.
    public func sweep(now: Int64) throws(StoreError) -> Int {
        try recoverJournals()
        var removed = 0
        var walked = HourlyCounts()
        try forEachShardEntry { shard, name in
            let path = "\(shard)/\(name)"
            if name.hasPrefix(Self.tempPrefix) {
                if files.sweepTemp(name, in: shard, now: now) { removed += 1 }
            } else if name.hasSuffix(".json") {
                let expired: Bool
                if let bytes = try? FileReading.bytes(atPath: path, limit: 1 << 20),
                   let record = try? JSONDecoder().decode(TokenRecord.self, from: Data(bytes)) {
                    expired = record.keepUntil < now
                    if !expired { walked.add(created: record.created, bytes: bytes.count) }
                } else {
                    // Damaged, or written by a later version: its own retention cannot be
                    // read, so its age stands for it.
                    let modified = Self.modified(path)
                    expired = modified.map { now - $0 > Self.unreadableRecordSeconds } ?? false
                    if !expired { walked.add(created: modified ?? now, bytes: Self.size(path)) }
                }
                if expired, files.sys.unlink(path) == 0 { removed += 1 }
            }
        }
        try counts.replace(walked: walked, sweepStarted: now)
        return removed
    }

    /// A walk of the shard directories: one read of each record file, no lock (a rename is
    /// atomic for readers, so every record read is whole).
    public func forEachRecord(_ visit: (TokenRecord) -> Void) throws(StoreError) {
        try forEachShardEntry { shard, name in
            let path = "\(shard)/\(name)"
            // A record under another token's name is not the record that name stands for; `load`
            // refuses it too.
            guard name.hasSuffix(".json"), let record = Self.record(atPath: path), self.path(for: record.token).file == path else { return }
            visit(record)
        }
    }

    /// Calls `body` with each entry of each shard directory (`ab/…`); the store directory's own
    /// files (the limiter's table, a lease, the outbox) are not in a shard.
    private func forEachShardEntry(_ body: (_ shard: String, _ name: String) -> Void) throws(StoreError) {
        for shard in try files.entries(of: directory) where shard.count == 2 && shard.allSatisfy(\.isHexDigit) {
            let shardPath = "\(directory)/\(shard)"
            for name in try files.entries(of: shardPath) { body(shardPath, name) }
        }
    }

    /// The record in a file found by a walk, or nil when it is gone (swept meanwhile) or is not
    /// a record; a walk passes over such a file instead of failing.
    private static func record(atPath path: String) -> TokenRecord? {
        guard let bytes = try? FileReading.bytes(atPath: path, limit: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(TokenRecord.self, from: Data(bytes))
    }

    /// The file's modification time (Unix seconds), nil when it cannot be read.
    private static func modified(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_mtim.tv_sec) : nil
    }

    private static func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// True when no file is there: a save there creates a record rather than replacing one.
    private static func isMissing(_ path: String) -> Bool {
        access(path, F_OK) != 0 && errno == ENOENT
    }
}
