#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import EKYCCrypto

/// One JSON file per token, crash-safe in the way of git's object files and maildir:
/// temp file in the same directory (`O_EXCL`, 0600), write, fsync, rename, fsync the directory.
/// File names are the SHA-256 of the token, sharded by its first byte, so a token never
/// becomes a path and readers never see a partial record.
public final class FileTokenStore: TokenStore {
    public let directory: String
    public let quota: StoreQuota
    private let sys: Syscalls
    private let counts: QuotaCountsFile
    static let tempPrefix = ".tmp-"
    /// A temp file older than this belongs to a writer that died.
    static let staleTempSeconds: Int64 = 60
    /// A record file that cannot be read is removed once older than this: the retention, plus a
    /// day in which a version that can read it may still be rolled back to.
    static let unreadableRecordSeconds: Int64 = TokenRecord.retentionSeconds + 86_400

    /// Opens (and creates, mode 0700) the store directory; its parent must exist.
    public init(directory: String, quota: StoreQuota = .off, syscalls: Syscalls = .live) throws(StoreError) {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.quota = quota
        self.sys = syscalls
        counts = QuotaCountsFile(store: self.directory, syscalls: syscalls)
        try makeDirectory(self.directory)
    }

    public func path(for token: String) -> (shard: String, file: String) {
        let name = SHA256.hexHash(token)
        let shard = "\(directory)/\(name.prefix(2))"
        return (shard, "\(shard)/\(name).json")
    }

    public func save(_ record: TokenRecord) throws(StoreError) {
        _ = try write(record) { (temp, file, shard, directoryFD) throws(StoreError) in
            // A final record is written once: the check and the rename happen under one lock,
            // so a racing writer cannot slip a rename in between.
            if (try? load(token: record.token))??.status.isFinal == true {
                _ = sys.unlink(temp)
                return false
            }
            _ = try sys.retrying("rename", file) { Int(sys.rename(temp, file)) }
            // The rename is durable only once the directory entry is on disk.
            _ = try sys.retrying("fsync", shard) { Int(sys.fsync(directoryFD)) }
            return true
        }
    }

    public func create(_ record: TokenRecord) throws(StoreError) -> Bool {
        try write(record) { (temp, file, shard, directoryFD) throws(StoreError) in
            // link(2) gives the complete temp file its name only if the name is free: of two
            // creators exactly one succeeds, and a reader never sees a partial record.
            let linked = sys.link(temp, file) == 0
            let code = errno
            _ = sys.unlink(temp)
            guard linked else {
                if code == EEXIST { return false }
                throw StoreError(call: "link", path: file, errno: code, detail: String(cString: strerror(code)))
            }
            _ = try sys.retrying("fsync", shard) { Int(sys.fsync(directoryFD)) }
            return true
        }
    }

    /// Writes the record to a durable temp file in its shard, then runs `publish` under the
    /// shard's lock to give it its name; the temp file never outlives the call.
    private func write(_ record: TokenRecord,
                       publish: (_ temp: String, _ file: String, _ shard: String, _ directoryFD: Int32) throws(StoreError) -> Bool)
        throws(StoreError) -> Bool {
        let (shard, file) = path(for: record.token)
        let bytes: [UInt8]
        do { bytes = Array(try JSONEncoder().encode(record)) } catch {
            throw StoreError(call: "encode", path: file, errno: 0, detail: "\(error)")
        }
        // Only a new pending record is counted, and refused when the store is full: a result
        // written over an existing record always goes through.
        if record.status == .pending && Self.isMissing(file) {
            try counts.admit(created: record.created, bytes: bytes.count, quota: quota)
        }
        let random: [UInt8]
        do { random = try SecureRandom.bytes(8) } catch {
            throw StoreError(call: "random", path: shard, errno: 0, detail: error.description)
        }
        // The writer's PID in the name lets a sweep remove the temp files of a killed writer at
        // once, without waiting for them to age.
        let temp = "\(shard)/\(Self.tempPrefix)\(getpid())-\(Hex.encode(random))"
        let fd: Int32
        do { fd = try createTemp(temp) } catch where error.errno == ENOENT {
            // The shard's first record (or its directory was removed): a mkdir only then, not per save.
            try makeDirectory(shard)
            fd = try createTemp(temp)
        }
        var closed = false
        do {
            try sys.writeAll(fd, bytes, path: temp)
            _ = try sys.retrying("fdatasync", temp) { Int(sys.datasync(fd)) }
            closed = true
            _ = try sys.retrying("close", temp) { Int(sys.close(fd)) }
            var published = false
            try withShardLock(shard) { (directoryFD) throws(StoreError) in
                published = try publish(temp, file, shard, directoryFD)
            }
            return published
        } catch {
            if !closed { _ = sys.close(fd) }
            _ = sys.unlink(temp)
            throw error
        }
    }

    private func createTemp(_ path: String) throws(StoreError) -> Int32 {
        Int32(try sys.retrying("open", path) { Int(sys.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)) })
    }

    /// Runs `body` with the shard directory open and an exclusive `flock` on it (writers only:
    /// readers never lock, since a rename is atomic for them).
    private func withShardLock(_ shard: String, _ body: (_ directoryFD: Int32) throws(StoreError) -> Void) throws(StoreError) {
        let fd = Int32(try sys.retrying("open", shard) { Int(sys.open(shard, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) })
        defer { _ = sys.close(fd) }
        _ = try sys.retrying("flock", shard) { Int(flock(fd, LOCK_EX)) }
        defer { _ = flock(fd, LOCK_UN) }
        try body(fd)
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

    public func remove(token: String) throws(StoreError) {
        let (shard, file) = path(for: token)
        if sys.unlink(file) != 0 {
            let code = errno
            if code == ENOENT { return }
            throw StoreError(call: "unlink", path: file, errno: code, detail: String(cString: strerror(code)))
        }
        try syncDirectory(shard)
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
        var removed = 0
        var walked = HourlyCounts()
        try forEachShardEntry { shard, name in
            let path = "\(shard)/\(name)"
            if name.hasPrefix(Self.tempPrefix) {
                let stale = Self.modified(path).map { now - $0 > Self.staleTempSeconds } ?? false
                if (stale || Self.writerIsGone(tempName: name)) && sys.unlink(path) == 0 { removed += 1 }
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
                if expired, sys.unlink(path) == 0 { removed += 1 }
            }
        }
        try counts.replace(walked: walked, sweepStarted: now)
        return removed
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
    /// files (the limiter's table, a lease) are not in a shard.
    private func forEachShardEntry(_ body: (_ shard: String, _ name: String) -> Void) throws(StoreError) {
        for shard in try entries(of: directory) where shard.count == 2 && shard.allSatisfy(\.isHexDigit) {
            let shardPath = "\(directory)/\(shard)"
            for name in try entries(of: shardPath) { body(shardPath, name) }
        }
    }

    /// The record in a file found by a walk, or nil when it is gone (swept meanwhile) or is not
    /// a record; a walk passes over such a file instead of failing.
    private static func record(atPath path: String) -> TokenRecord? {
        guard let bytes = try? FileReading.bytes(atPath: path, limit: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(TokenRecord.self, from: Data(bytes))
    }

    /// True when the temp file's name carries a PID and no such process exists (its writer was
    /// killed mid-write). A live process with a reused PID only delays removal to the age rule.
    static func writerIsGone(tempName: String) -> Bool {
        let rest = tempName.dropFirst(tempPrefix.count)
        guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    private func makeDirectory(_ path: String) throws(StoreError) {
        if sys.mkdir(path, 0o700) == 0 { return }
        let code = errno
        if code == EEXIST { return }
        throw StoreError(call: "mkdir", path: path, errno: code,
                         detail: "\(String(cString: strerror(code))) — create the store directory and give the handlers' user write access")
    }

    /// The rename is durable only once the directory entry is on disk.
    private func syncDirectory(_ path: String) throws(StoreError) {
        let fd = Int32(try sys.retrying("open", path) { Int(sys.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) })
        defer { _ = sys.close(fd) }
        _ = try sys.retrying("fsync", path) { Int(sys.fsync(fd)) }
    }

    private func entries(of path: String) throws(StoreError) -> [String] {
        guard let dir = opendir(path) else {
            let code = errno
            if code == ENOENT { return [] }
            throw StoreError(call: "opendir", path: path, errno: code, detail: String(cString: strerror(code)))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
