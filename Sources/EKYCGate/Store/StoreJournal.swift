#if canImport(Glibc)
import Glibc
#endif
import EKYCCrypto
import FastCGI
import Locking

/// A process's append-only journal of the file store's writes: group commit. Every record is
/// appended here and made durable before its file is given its name; concurrent writers share
/// one `fdatasync` (the first waiter flushes for everything appended so far while the others
/// wait on a condition variable), so the record files themselves are written without a flush.
///
/// A segment is `journal/<pid>-<random>.journal` in the store directory, held with an exclusive
/// `flock` for as long as its process lives: recovery (`FileTokenStore.recoverJournals`) replays
/// only segments no live process holds. Once a segment reaches `segmentLimit` bytes, the
/// flusher retires it: one `syncfs` makes every record file it covers durable, and it is removed.
/// A process that exits normally retires its segment the same way; one killed leaves it for
/// the next process that opens the store.
final class StoreJournal: @unchecked Sendable {
    static let folderName = "journal"
    static let suffix = ".journal"

    let directory: String
    let storeDirectory: String
    let files: DurableFiles
    let segmentLimit: Int

    private struct Segment {
        var fd: Int32
        var path: String
        var size: Int
        var pid: Int32
    }

    private let lock = Lock()
    private let flushed = Condition()
    private var segment: Segment?
    /// Entries are numbered in append order; every entry up to `durable` is on disk.
    private var appended: UInt64 = 0
    private var durable: UInt64 = 0
    private var flushing = false
    /// The entries up to `through` that a failed flush may have lost, and why.
    private var failed: (through: UInt64, error: StoreError)?

    init(storeDirectory: String, files: DurableFiles, segmentLimit: Int) {
        self.storeDirectory = storeDirectory
        directory = "\(storeDirectory)/\(Self.folderName)"
        self.files = files
        self.segmentLimit = segmentLimit
        JournalRegistry.shared.add(self)
    }

    deinit { close() }

    /// The time an entry is stamped with: the coarse wall clock, the one the kernel stamps
    /// files' mtimes with, so "this file is older than the entry" compares like with like.
    static func stamp() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Appends `entry` and returns once it is durable: either this thread flushed the segment,
    /// or a flush that started after the append did.
    func commit(_ entry: JournalEntry) throws(StoreError) {
        let bytes = entry.encoded()
        lock.lock()
        let sequence: UInt64
        do { sequence = try append(bytes) } catch {
            lock.unlock()
            throw error
        }
        var retired: Segment?
        var retiredIsDurable = false
        var outcome: StoreError?
        while durable < sequence {
            if let failed, sequence <= failed.through {
                outcome = failed.error
                break
            }
            if flushing {
                _ = flushed.wait(lock, deadline: MonotonicClock.nowNanoseconds() &+ 1_000_000_000)
                continue
            }
            guard let current = segment else {
                outcome = StoreError(call: "fdatasync", path: directory, errno: EIO, detail: "the journal segment was lost")
                break
            }
            // The leader: flushes everything appended so far. A full segment is retired here,
            // under the lock, so nothing more is appended to it.
            flushing = true
            let target = appended
            if current.size >= segmentLimit {
                retired = current
                segment = nil
            }
            lock.unlock()
            var code: Int32 = 0
            while files.sys.datasync(current.fd) != 0 {
                code = errno
                if code != EINTR { break }
                code = 0
            }
            lock.lock()
            flushing = false
            if code == 0 {
                durable = max(durable, target)
                retiredIsDurable = retired != nil
            } else {
                // The kernel may have dropped the failed pages: every entry not yet durable
                // fails, and the segment is given up (left for recovery) for a new one.
                failed = (appended, StoreError(call: "fdatasync", path: current.path, errno: code, detail: String(cString: strerror(code))))
                if segment?.fd == current.fd { segment = nil }
                if retired == nil { retired = current }
            }
            flushed.broadcast()
        }
        lock.unlock()
        if let retired { retire(retired, flushed: retiredIsDurable) }
        if let outcome { throw outcome }
    }

    /// Retires the current segment (a process that exits): removed when everything in it is
    /// durable and a `syncfs` made the record files durable too, else left for recovery.
    func close() {
        let current: Segment? = lock.withLock {
            defer { segment = nil }
            return segment
        }
        guard let current, current.pid == getpid() else { return }
        retire(current, flushed: lock.withLock { durable == appended && failed == nil })
    }

    /// With the lock held: writes `bytes` at the end of the segment (opened when there is none,
    /// or when this is a forked child). A failed or short write does not move the end, so the
    /// next append overwrites what it left.
    private func append(_ bytes: [UInt8]) throws(StoreError) -> UInt64 {
        if segment == nil || segment?.pid != getpid() { segment = try openSegment() }
        guard var current = segment else { throw StoreError(call: "open", path: directory, errno: EIO, detail: "no journal segment") }
        var offset = 0
        while offset < bytes.count {
            let start = offset
            let n = try files.sys.retrying("pwrite", current.path) {
                bytes.withUnsafeBytes { files.sys.pwrite(current.fd, UnsafeRawBufferPointer(rebasing: $0[start...]), Int64(current.size + start)) }
            }
            if n == 0 { throw StoreError(call: "pwrite", path: current.path, errno: EIO, detail: "wrote 0 bytes") }
            offset += n
        }
        current.size += bytes.count
        segment = current
        appended += 1
        return appended
    }

    /// A new segment: created under a temp name, locked, then named, so recovery never sees
    /// it unlocked; the journal folder is synced so the segment's name survives a power loss.
    private func openSegment() throws(StoreError) -> Segment {
        try files.makeDirectory(directory)
        let random: [UInt8]
        do { random = try SecureRandom.bytes(8) } catch {
            throw StoreError(call: "random", path: directory, errno: 0, detail: error.description)
        }
        let pid = getpid()
        let name = "\(pid)-\(Hex.encode(random))"
        let temp = "\(directory)/\(DurableFiles.tempPrefix)\(name)", path = "\(directory)/\(name)\(Self.suffix)"
        let fd = Int32(try files.sys.retrying("open", temp) {
            Int(files.sys.open(temp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600))
        })
        do {
            _ = try files.sys.retrying("flock", temp) { Int(flock(fd, LOCK_EX | LOCK_NB)) }
            _ = try files.sys.retrying("rename", path) { Int(files.sys.rename(temp, path)) }
            try files.syncDirectory(directory)
        } catch {
            _ = files.sys.close(fd)
            _ = files.sys.unlink(temp)
            _ = files.sys.unlink(path)
            throw error
        }
        return Segment(fd: fd, path: path, size: 0, pid: pid)
    }

    /// Makes the record files a segment covers durable (`syncfs` of the store's file system),
    /// then removes it. A segment whose flush failed, or a failed `syncfs`, leaves it in place
    /// for recovery to replay.
    private func retire(_ old: Segment, flushed: Bool) {
        defer { _ = files.sys.close(old.fd) }
        guard flushed, syncFileSystem() else { return }
        _ = files.sys.unlink(old.path)
    }

    /// `syncfs` on the store's file system; false when it failed.
    func syncFileSystem() -> Bool {
        let fd = files.sys.open(storeDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        guard fd >= 0 else { return false }
        defer { _ = files.sys.close(fd) }
        return (try? files.sys.retrying("syncfs", storeDirectory) { Int(files.sys.syncfs(fd)) }) != nil
    }
}

/// The journals of this process, retired at exit (a normal exit of a handler, a CGI request, a
/// command), so a clean exit leaves no segment for the next process to replay.
final class JournalRegistry: @unchecked Sendable {
    static let shared = JournalRegistry()

    private final class Weak {
        weak var journal: StoreJournal?
        init(_ journal: StoreJournal) { self.journal = journal }
    }

    private let lock = Lock()
    private var journals: [Weak] = []
    private var hooked = false

    func add(_ journal: StoreJournal) {
        lock.withLock {
            journals.removeAll { $0.journal == nil }
            journals.append(Weak(journal))
            if !hooked {
                hooked = true
                atexit { JournalRegistry.shared.closeAll() }
            }
        }
    }

    func closeAll() {
        let open = lock.withLock { journals.compactMap(\.journal) }
        for journal in open { journal.close() }
    }
}
