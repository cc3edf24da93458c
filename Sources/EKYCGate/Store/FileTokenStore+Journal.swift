#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import LogLines

/// The file store's writes through its journal, and the replay of the journals crashed
/// processes left behind.
extension FileTokenStore {
    /// Under the shard's lock: when `decide` agrees, the record goes to a temp file, then to the
    /// journal (durable when `commit` returns, flushed together with concurrent writes), then
    /// `publish` gives the temp file its name. Nothing is visible before it is durable, and a
    /// failed flush leaves the previous record in place. True when published.
    func journaled(_ bytes: [UInt8], shard: String, decide: () -> Bool,
                   publish: (_ temp: String) throws(StoreError) -> Bool) throws(StoreError) -> Bool {
        var published = false
        try files.withLock(shard, creating: true) { (_) throws(StoreError) in
            guard decide() else { return }
            // Written under the lock, so a record file of a later write is never older than
            // this write's journal entry (what recovery compares).
            let temp = try files.writeTemp(bytes, in: shard, sync: false)
            // A published temp file has become the record (`publish` renames it, or links it and
            // removes the temp name): only an unpublished one is removed here.
            defer { if !published { _ = files.sys.unlink(temp) } }
            let ticket = try journal.commit(JournalEntry(kind: .record, stamp: StoreJournal.stamp(), payload: bytes))
            // The segment is not retired before the record file has its name.
            defer { journal.published(ticket) }
            published = try publish(temp)
        }
        return published
    }

    /// Replays the journal segments no live process holds (their `flock` is free): every entry,
    /// in the order of its stamp, is written again where its record file is missing, damaged or
    /// older, except over a final record; then one `syncfs`, and the segments are removed.
    /// Entries of expired records are skipped, so a sweep's removal stays removed. A torn tail
    /// (a crash mid-append) ends a segment's entries; it was never acknowledged.
    public func recoverJournals() throws(StoreError) {
        let folder = journal.directory
        let now = WallClock.seconds()
        var held: [(fd: Int32, path: String)] = []
        defer { for segment in held { _ = files.sys.close(segment.fd) } }
        var entries: [JournalEntry] = []
        for name in try files.entries(of: folder) {
            if name.hasPrefix(DurableFiles.tempPrefix) { _ = files.sweepTemp(name, in: folder, now: now) }
            guard name.hasSuffix(StoreJournal.suffix) else { continue }
            let path = "\(folder)/\(name)"
            let fd = files.sys.open(path, O_RDONLY | O_CLOEXEC, 0)
            guard fd >= 0 else {
                let code = errno
                if code == ENOENT { continue }
                throw StoreError(call: "open", path: path, errno: code,
                                 detail: "\(String(cString: strerror(code))) — the journal must belong to the handlers' user")
            }
            var info = stat()
            // Held by a live process, or already replayed and removed by another one.
            guard flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &info) == 0, info.st_nlink > 0 else {
                _ = files.sys.close(fd)
                continue
            }
            held.append((fd, path))
            let bytes: [UInt8]
            do { bytes = try FileReading.bytes(atPath: path, limit: Int.max) } catch {
                throw StoreError(call: "read", path: path, errno: error.errno, detail: error.reason)
            }
            entries += JournalEntry.decodeAll(bytes).entries
        }
        guard !held.isEmpty else { return }
        for entry in entries.enumerated().sorted(by: { ($0.element.stamp, $0.offset) < ($1.element.stamp, $1.offset) }) {
            try replay(entry.element, now: now)
        }
        guard journal.syncFileSystem() else {
            throw StoreError(call: "syncfs", path: directory, errno: errno, detail: "the replayed records could not be made durable")
        }
        for segment in held { _ = files.sys.unlink(segment.path) }
        files.sys.log(LogLine(event: "store_journal_replayed", ("store", directory), ("segments", String(held.count)), ("entries", String(entries.count))))
    }

    private func replay(_ entry: JournalEntry, now: Int64) throws(StoreError) {
        switch entry.kind {
        case .record:
            guard let record = try? JSONDecoder().decode(TokenRecord.self, from: Data(entry.payload)), record.keepUntil >= now else { return }
            let (shard, file) = path(for: record.token)
            try files.withLock(shard, creating: true) { (_) throws(StoreError) in
                guard Self.replaces(entry, record, file: file) else { return }
                let temp = try files.writeTemp(entry.payload, in: shard, sync: false)
                defer { _ = files.sys.unlink(temp) }
                // The file is dated as its entry, so a later entry for it compares against that.
                var times = [Self.time(entry.stamp), Self.time(entry.stamp)]
                _ = utimensat(AT_FDCWD, temp, &times, 0)
                try files.rename(temp, to: file, directory: shard, sync: false)
            }
        case .removal:
            let (shard, file) = path(for: String(decoding: entry.payload, as: UTF8.self))
            guard access(shard, F_OK) == 0 else { return }
            try files.withLock(shard) { (_) throws(StoreError) in
                if let modified = Self.modifiedNanoseconds(file), modified < entry.stamp { _ = files.sys.unlink(file) }
            }
        }
    }

    /// Whether a journaled record goes over what its file holds: yes when the file is missing or
    /// cannot be read; never over a final record; a final one over a pending one; a pending one
    /// only over an older file (a later write's file is never older than this entry).
    static func replaces(_ entry: JournalEntry, _ record: TokenRecord, file: String) -> Bool {
        guard let bytes = try? FileReading.bytes(atPath: file, limit: 1 << 20),
              let current = try? JSONDecoder().decode(TokenRecord.self, from: Data(bytes)) else { return true }
        if bytes == entry.payload || current.status.isFinal { return false }
        if record.status.isFinal { return true }
        return (modifiedNanoseconds(file) ?? 0) < entry.stamp
    }

    private static func time(_ nanoseconds: Int64) -> timespec {
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }

    static func modifiedNanoseconds(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}
