#if canImport(Glibc)
import Glibc
#endif
public import LogLines

/// The one seam through which the file store touches the file system: EINTR retried here,
/// every failure carries the call and errno, and tests swap single calls to force
/// ENOSPC, EIO or a crash point (after swift-system's mocking).
public struct Syscalls: Sendable {
    public var open: @Sendable (String, Int32, UInt32) -> Int32
    public var write: @Sendable (Int32, UnsafeRawBufferPointer) -> Int
    public var fsync: @Sendable (Int32) -> Int32
    /// fdatasync: the record's bytes and size reach the disk without a needless inode timestamp write.
    public var datasync: @Sendable (Int32) -> Int32
    public var rename: @Sendable (String, String) -> Int32
    /// link(2): a new name for a file that fails with EEXIST, the atomic "create unless present".
    public var link: @Sendable (String, String) -> Int32
    public var close: @Sendable (Int32) -> Int32
    public var unlink: @Sendable (String) -> Int32
    public var mkdir: @Sendable (String, UInt32) -> Int32
    public var pread: @Sendable (Int32, UnsafeMutableRawBufferPointer, Int64) -> Int
    public var pwrite: @Sendable (Int32, UnsafeRawBufferPointer, Int64) -> Int
    /// One line about the store (a file it passed over): injected, so that the store needs no
    /// log destination of its own; the handlers' goes to stderr, tests may collect the lines.
    public var log: @Sendable (LogLine) -> Void
    /// syncfs(2): every file of the store's file system to disk at once, what retires a journal segment.
    public var syncfs: @Sendable (Int32) -> Int32 = { Syscalls.glibcSyncfs($0) }

    public static let live = Syscalls(
        open: { Glibc.open($0, $1, mode_t($2)) },
        write: { Glibc.write($0, $1.baseAddress, $1.count) },
        fsync: { Glibc.fsync($0) },
        datasync: { Glibc.fdatasync($0) },
        rename: { Glibc.rename($0, $1) },
        link: { Glibc.link($0, $1) },
        close: { Glibc.close($0) },
        unlink: { Glibc.unlink($0) },
        mkdir: { Glibc.mkdir($0, mode_t($1)) },
        pread: { Glibc.pread($0, $1.baseAddress, $1.count, off_t($2)) },
        pwrite: { Glibc.pwrite($0, $1.baseAddress, $1.count, off_t($2)) },
        log: { $0.write() }
    )

    /// These calls with another log sink.
    public func logging(to sink: @escaping @Sendable (LogLine) -> Void) -> Syscalls {
        var copy = self
        copy.log = sink
        return copy
    }

    /// Glibc declares syncfs only under _GNU_SOURCE, which the Swift module is not built with;
    /// the symbol is looked up once instead (sync(2), all file systems, if it were missing).
    private static let syncfsSymbol: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    static func glibcSyncfs(_ fd: Int32) -> Int32 {
        guard let call = syncfsSymbol else {
            Glibc.sync()
            return 0
        }
        return call(fd)
    }

    /// Runs `body` until it does not fail with EINTR; a failure becomes a `StoreError`.
    func retrying(_ call: String, _ path: String, _ body: () -> Int) throws(StoreError) -> Int {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw StoreError(call: call, path: path, errno: code, detail: String(cString: strerror(code)))
        }
    }

    /// Writes all of `bytes` at the descriptor's offset; a short write continues, none is an error.
    func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
        var offset = 0
        while offset < bytes.count {
            let start = offset
            let n = try retrying("write", path) {
                bytes.withUnsafeBytes { self.write(fd, UnsafeRawBufferPointer(rebasing: $0[start...])) }
            }
            if n == 0 { throw StoreError(call: "write", path: path, errno: EIO, detail: "wrote 0 bytes") }
            offset += n
        }
    }
}
