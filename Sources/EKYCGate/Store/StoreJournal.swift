#if canImport(Glibc)
import Glibc
#endif
import EKYCCrypto
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

    /// A segment file; its fields change only under the journal's lock.
    final class Segment: @unchecked Sendable {
        let fd: Int32
        let path: String
        let pid: Int32
        var size = 0
        /// Entries appended whose writers have not yet published their record files.
        var outstanding = 0
        /// No more appends: full, failed, or the process is exiting.
        var retired = false
        /// A flush failed: entries may be missing, so it is left for recovery, never removed.
        var lost = false
        var closing = false

        init(fd: Int32, path: String, pid: Int32) {
            self.fd = fd
            self.path = path
            self.pid = pid
        }
    }

    /// What `commit` returns and `published` takes back: the segment holding the entry.
    struct Ticket: Sendable {
        fileprivate let segment: Segment
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
    /// or a flush that started after the append did. The caller publishes the record file, then
    /// hands the ticket back to `published`: a segment is removed only once every record file
    /// it covers has its name and a `syncfs` made them durable.
    func commit(_ entry: JournalEntry) throws(StoreError) -> Ticket {
        let bytes = entry.encoded()
        lock.lock()
        let sequence: UInt64
        let mine: Segment
        do { (sequence, mine) = try append(bytes) } catch {
            lock.unlock()
            throw error
        }
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
            // The leader: flushes everything appended so far (all of it in `mine`: a segment
            // is swapped only here, or after a failed flush, by the leader). A full segment is
            // retired here, under the lock, so nothing more is appended to it.
            flushing = true
            let target = appended
            let current = mine
            if current.size >= segmentLimit, segment === current {
                current.retired = true
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
            } else {
                // The kernel may have dropped the failed pages: every entry not yet durable
                // fails, and the segment is given up (left for recovery) for a new one.
                failed = (appended, StoreError(call: "fdatasync", path: current.path, errno: code, detail: String(cString: strerror(code))))
                current.lost = true
                current.retired = true
                if segment === current { segment = nil }
            }
            flushed.broadcast()
        }
        lock.unlock()
        let ticket = Ticket(segment: mine)
        if let outcome {
            published(ticket)
            throw outcome
        }
        return ticket
    }

    /// The entry's record file has its name (or its write gave up): the last one of a retired
    /// segment retires it.
    func published(_ ticket: Ticket) {
        let old = ticket.segment
        let ready: Bool = lock.withLock {
            old.outstanding -= 1
            guard old.retired, old.outstanding == 0, !old.closing else { return false }
            old.closing = true
            return true
        }
        if ready { retire(old) }
    }

    /// Retires the current segment (a process that exits): removed once every write in it is
    /// published and a `syncfs` made the record files durable, else left for recovery.
    func close() {
        let ready: Segment? = lock.withLock {
            guard let current = segment, current.pid == getpid() else { return nil }
            segment = nil
            current.retired = true
            guard current.outstanding == 0, !current.closing else { return nil }
            current.closing = true
            return current
        }
        if let ready { retire(ready) }
    }

    /// With the lock held: writes `bytes` at the end of the segment (opened when there is none,
    /// or when this is a forked child). A failed or short write does not move the end, so the
    /// next append overwrites what it left.
    private func append(_ bytes: [UInt8]) throws(StoreError) -> (UInt64, Segment) {
        if segment == nil || segment?.pid != getpid() { segment = try openSegment() }
        guard let current = segment else { throw StoreError(call: "open", path: directory, errno: EIO, detail: "no journal segment") }
        var offset = 0
        while offset < bytes.count {
            let start = offset, end = current.size
            let n = try files.sys.retrying("pwrite", current.path) {
                bytes.withUnsafeBytes { files.sys.pwrite(current.fd, UnsafeRawBufferPointer(rebasing: $0[start...]), Int64(end + start)) }
            }
            if n == 0 { throw StoreError(call: "pwrite", path: current.path, errno: EIO, detail: "wrote 0 bytes") }
            offset += n
        }
        current.size += bytes.count
        current.outstanding += 1
        appended += 1
        return (appended, current)
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
        return Segment(fd: fd, path: path, pid: pid)
    }

    /// Makes the record files a segment covers durable (`syncfs` of the store's file system),
    /// then removes it. A segment whose flush failed, or a failed `syncfs`, leaves it in place
    /// for recovery to replay.
    private func retire(_ old: Segment) {
        defer { _ = files.sys.close(old.fd) }
        guard !old.lost, syncFileSystem() else { return }
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
