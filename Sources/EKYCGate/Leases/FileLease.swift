#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A lease for the processes of one machine (the file store): an exclusive `flock` on
/// `<name>.lease` in the store directory, taken without waiting. The kernel releases it when
/// the holding process exits or is killed, so a dead holder blocks no one and there is no TTL
/// to wait out; `renew` has nothing to extend. The file holds the holder's `host:pid`.
public final class FileLease: Lease {
    public let name: String
    public let path: String
    /// The open, locked file while held.
    private let held = Mutex<Int32?>(nil)

    public init(directory: String, name: String) {
        self.name = name
        path = "\(directory)/\(name).lease"
    }

    deinit { release() }

    public func acquire() throws(StoreError) -> Bool {
        try held.withLock { (fd: inout Int32?) throws(StoreError) -> Bool in
            if fd != nil { return true }
            let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard opened >= 0 else {
                let code = errno
                throw StoreError(call: "open", path: path, errno: code,
                                 detail: "\(String(cString: strerror(code))) — the lease file must belong to the handlers' user")
            }
            while flock(opened, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EINTR { continue }
                close(opened)
                if code == EWOULDBLOCK { return false }
                throw StoreError(call: "flock", path: path, errno: code, detail: String(cString: strerror(code)))
            }
            let text = Array((Self.processName + "\n").utf8)
            _ = ftruncate(opened, 0)
            _ = text.withUnsafeBytes { pwrite(opened, $0.baseAddress, $0.count, 0) }
            fd = opened
            return true
        }
    }

    public func renew() throws(StoreError) -> Bool {
        held.withLock { $0 != nil }
    }

    public func release() {
        held.withLock { fd in
            guard let open = fd else { return }
            // Emptied first, so no one reads a stale holder once the lock is gone.
            _ = ftruncate(open, 0)
            // Unlocked explicitly: a close alone keeps the lock while a copy of the descriptor
            // lives on (a child between fork and exec).
            _ = flock(open, LOCK_UN)
            close(open)
            fd = nil
        }
    }

    public func holder() -> String? {
        guard let bytes = try? FileReading.bytes(atPath: path, limit: 512) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmed()
        return text.isEmpty ? nil : text
    }
}
