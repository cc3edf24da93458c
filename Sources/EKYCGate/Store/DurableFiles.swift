#if canImport(Glibc)
import Glibc
#endif
import EKYCCrypto

/// Crash-safe files in the way of git's object files and maildir, for every kind of file the
/// store keeps (token records, webhook events): a temp file in the target's directory
/// (`O_EXCL`, 0600), written whole, fdatasynced, then given its name under the directory's
/// `flock` — by rename (replace) or by link (create unless present) — and the directory
/// fsynced. Readers only open final names, so they never see a partial file.
struct DurableFiles: Sendable {
    static let tempPrefix = ".tmp-"
    /// A temp file older than this belongs to a writer that died.
    static let staleTempSeconds: Int64 = 60

    let sys: Syscalls

    /// Writes `bytes` to a durable temp file in `directory` (made when missing), then runs
    /// `publish` under the directory's lock to give it its name; the temp file never outlives
    /// the call. Returns what `publish` returned.
    func write(_ bytes: [UInt8], in directory: String,
               publish: (_ temp: String, _ directoryFD: Int32) throws(StoreError) -> Bool) throws(StoreError) -> Bool {
        let temp = try writeTemp(bytes, in: directory, sync: true)
        do {
            var published = false
            try withLock(directory) { (directoryFD) throws(StoreError) in
                published = try publish(temp, directoryFD)
            }
            // A publish that kept the temp's name for nothing (a link that found the name taken,
            // a write-once check that declined) leaves it behind; it goes now.
            _ = sys.unlink(temp)
            return published
        } catch {
            _ = sys.unlink(temp)
            throw error
        }
    }

    /// A temp file in `directory` (made when missing) holding `bytes`, fdatasynced when `sync`
    /// (a journaled write leaves the flush to the journal); its path.
    func writeTemp(_ bytes: [UInt8], in directory: String, sync: Bool) throws(StoreError) -> String {
        let random: [UInt8]
        do { random = try SecureRandom.bytes(8) } catch {
            throw StoreError(call: "random", path: directory, errno: 0, detail: error.description)
        }
        // The writer's PID in the name lets a sweep remove the temp files of a killed writer at
        // once, without waiting for them to age.
        let temp = "\(directory)/\(Self.tempPrefix)\(getpid())-\(Hex.encode(random))"
        let fd: Int32
        do { fd = try createTemp(temp) } catch where error.errno == ENOENT {
            // The directory's first file (or it was removed): a mkdir only then, not per write.
            try makeDirectory(directory)
            fd = try createTemp(temp)
        }
        var closed = false
        do {
            try sys.writeAll(fd, bytes, path: temp)
            if sync { _ = try sys.retrying("fdatasync", temp) { Int(sys.datasync(fd)) } }
            closed = true
            _ = try sys.retrying("close", temp) { Int(sys.close(fd)) }
            return temp
        } catch {
            if !closed { _ = sys.close(fd) }
            _ = sys.unlink(temp)
            throw error
        }
    }

    /// Publishes by rename: the file is replaced whole, and durable once `directory` (the
    /// file's; its open fd when the caller holds one) is synced.
    func rename(_ temp: String, to file: String, directory: String, directoryFD: Int32? = nil, sync: Bool = true) throws(StoreError) {
        _ = try sys.retrying("rename", file) { Int(sys.rename(temp, file)) }
        if sync { try self.sync(directory, directoryFD) }
    }

    /// Publishes by link(2), which gives the complete temp file its name only if the name is
    /// free: of two creators exactly one succeeds. True when this one did.
    func link(_ temp: String, to file: String, directory: String, directoryFD: Int32? = nil, sync: Bool = true) throws(StoreError) -> Bool {
        guard sys.link(temp, file) == 0 else {
            let code = errno
            if code == EEXIST { return false }
            throw StoreError(call: "link", path: file, errno: code, detail: String(cString: strerror(code)))
        }
        if sync { try self.sync(directory, directoryFD) }
        return true
    }

    private func sync(_ directory: String, _ fd: Int32?) throws(StoreError) {
        guard let fd else { return try syncDirectory(directory) }
        _ = try sys.retrying("fsync", directory) { Int(sys.fsync(fd)) }
    }

    /// Runs `body` with the directory open and an exclusive `flock` on it (writers only:
    /// readers never lock, since a rename is atomic for them).
    /// With `creating`, a missing directory is made first (a mkdir only then, not per write).
    func withLock(_ directory: String, creating: Bool = false, _ body: (_ directoryFD: Int32) throws(StoreError) -> Void) throws(StoreError) {
        let open = { () throws(StoreError) -> Int32 in
            Int32(try sys.retrying("open", directory) { Int(sys.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) })
        }
        let fd: Int32
        do { fd = try open() } catch where creating && error.errno == ENOENT {
            try makeDirectory(directory)
            fd = try open()
        }
        defer { _ = sys.close(fd) }
        _ = try sys.retrying("flock", directory) { Int(flock(fd, LOCK_EX)) }
        defer { _ = flock(fd, LOCK_UN) }
        try body(fd)
    }

    /// Removes a file and syncs its directory; no error when there is none.
    func remove(_ file: String, directory: String) throws(StoreError) {
        if sys.unlink(file) != 0 {
            let code = errno
            if code == ENOENT { return }
            throw StoreError(call: "unlink", path: file, errno: code, detail: String(cString: strerror(code)))
        }
        try syncDirectory(directory)
    }

    /// Removes the temp file `name` in `directory` when its writer is gone or it is stale;
    /// true when removed.
    func sweepTemp(_ name: String, in directory: String, now: Int64) -> Bool {
        guard name.hasPrefix(Self.tempPrefix) else { return false }
        let path = "\(directory)/\(name)"
        var info = stat()
        let stale = stat(path, &info) == 0 && now - Int64(info.st_mtim.tv_sec) > Self.staleTempSeconds
        return (stale || Self.writerIsGone(tempName: name)) && sys.unlink(path) == 0
    }

    /// True when the temp file's name carries a PID and no such process exists (its writer was
    /// killed mid-write). A live process with a reused PID only delays removal to the age rule.
    static func writerIsGone(tempName: String) -> Bool {
        let rest = tempName.dropFirst(tempPrefix.count)
        guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// A new directory's name is durable only once its parent is synced: without that, the first
    /// record of a new shard could vanish with its directory at a power loss.
    func makeDirectory(_ path: String) throws(StoreError) {
        if sys.mkdir(path, 0o700) == 0 {
            let slash = path.lastIndex(of: "/")
            let parent = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
            return try syncDirectory(parent)
        }
        let code = errno
        if code == EEXIST { return }
        throw StoreError(call: "mkdir", path: path, errno: code,
                         detail: "\(String(cString: strerror(code))) — create the store directory and give the handlers' user write access")
    }

    /// A rename or unlink is durable only once the directory entry is on disk.
    func syncDirectory(_ path: String) throws(StoreError) {
        let fd = Int32(try sys.retrying("open", path) { Int(sys.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) })
        defer { _ = sys.close(fd) }
        _ = try sys.retrying("fsync", path) { Int(sys.fsync(fd)) }
    }

    /// The names in a directory (without `.` and `..`); empty when it does not exist.
    func entries(of path: String) throws(StoreError) -> [String] {
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

    private func createTemp(_ path: String) throws(StoreError) -> Int32 {
        Int32(try sys.retrying("open", path) { Int(sys.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)) })
    }
}
