#if canImport(Glibc)
import Glibc
#endif

/// The counts file of a file store (`HourlyCounts` as text, beside the shards), shared by every
/// handler process of the machine: read and rewritten under an exclusive `flock`, so that
/// concurrent starts count each record once, at the cost of a few small syscalls per new
/// record and no directory walk.
///
/// Not fsynced: a crash may lose the latest counts, and a record whose write then fails is
/// still counted; the next sweep (hourly) counts the records themselves and puts that right.
struct QuotaCountsFile: Sendable {
    static let name = "quota-counts"

    let path: String
    /// The store, as named in a full error.
    let store: String
    let sys: Syscalls

    init(store: String, syscalls: Syscalls) {
        self.store = store
        path = "\(store)/\(Self.name)"
        sys = syscalls
    }

    /// Counts one new record, created at `created`, unless the quota is already reached; then
    /// throws the `.full` error and counts nothing.
    func admit(created: Int64, bytes: Int, quota: StoreQuota) throws(StoreError) {
        try update { (counts: inout HourlyCounts) throws(StoreError) in
            counts = counts.live(at: created)
            if quota.isFull(counts.total) { throw quota.refusal(counts.total, where: store) }
            counts.add(created: created, bytes: bytes)
        }
    }

    /// What counts against the quota at `now`; nothing before the first record.
    func usage(at now: Int64) throws(StoreError) -> StoreUsage {
        let fd = sys.open(path, O_RDONLY | O_CLOEXEC, 0)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { return StoreUsage(records: 0, bytes: 0) }
            throw StoreError(call: "open", path: path, errno: code, detail: String(cString: strerror(code)))
        }
        defer { _ = sys.close(fd) }
        _ = try sys.retrying("flock", path) { Int(flock(fd, LOCK_SH)) }
        return HourlyCounts(parsing: try read(fd)).live(at: now).total
    }

    /// After a sweep: the counts it walked, merged with those kept while it walked.
    func replace(walked: HourlyCounts, sweepStarted: Int64) throws(StoreError) {
        try update { (counts: inout HourlyCounts) throws(StoreError) in
            counts = HourlyCounts.rebuilt(walked: walked, kept: counts, sweepStarted: sweepStarted).live(at: sweepStarted)
        }
    }

    private func update(_ change: (inout HourlyCounts) throws(StoreError) -> Void) throws(StoreError) {
        let fd = Int32(try sys.retrying("open", path) { Int(sys.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)) })
        defer { _ = sys.close(fd) }
        if geteuid() == 0 { giveToStoreOwner(fd) }
        _ = try sys.retrying("flock", path) { Int(flock(fd, LOCK_EX)) }
        let before = HourlyCounts(parsing: try read(fd))
        var counts = before
        try change(&counts)
        guard counts != before else { return }
        // pread left the offset at 0, so the new text is written from the start.
        _ = try sys.retrying("ftruncate", path) { Int(ftruncate(fd, 0)) }
        try sys.writeAll(fd, Array(counts.text.utf8), path: path)
    }

    /// A sweep or `--check-config` run by hand as root would otherwise leave the file root's,
    /// and the service user could start no verification; it goes to the store's owner, as the
    /// records are.
    private func giveToStoreOwner(_ fd: Int32) {
        var file = stat(), directory = stat()
        guard fstat(fd, &file) == 0, stat(store, &directory) == 0,
              file.st_uid != directory.st_uid || file.st_gid != directory.st_gid else { return }
        _ = fchown(fd, directory.st_uid, directory.st_gid)
    }

    private func read(_ fd: Int32) throws(StoreError) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let offset = bytes.count
            let n = try sys.retrying("pread", path) { chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) } }
            if n == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes += chunk[0..<n]
        }
    }
}
