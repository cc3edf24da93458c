#if canImport(Glibc)
import Glibc
#endif
import EKYCCrypto

/// The right to run one store's background rounds (the reconciler, the webhook deliverer): one
/// holder at a time, across the processes of a machine (file store) or every node (Redis), so
/// two reconcilers never ask Tencent twice about the same verification or spend the budget twice.
/// A holder that dies loses it: the file lock goes with the process, a Redis lease ends when its
/// time to live passes without a renewal.
public protocol Lease: AnyObject {
    /// Takes the lease, or renews it when this instance holds it already; false when another
    /// holder has it. Never waits.
    func acquire() throws(StoreError) -> Bool
    /// Who holds it, as that holder wrote it ("pid 812 on web-2"), for the message of the one
    /// that did not get it; nil when unknown.
    func holder() -> String?
    /// Gives it up; nothing when this instance does not hold it.
    func release()
}

extension Lease {
    /// "pid 812 on web-2 (a1b2c3)": who holds a lease, unique per instance even in one process.
    static func holderName() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let tag = (try? SecureRandom.bytes(3)).map { Hex.encode($0) } ?? "000000"
        let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "pid \(getpid()) on \(name) (\(tag))"
    }
}

/// A lease for the file store: an exclusive `flock` on `<store>/<name>.lease`, taken without
/// waiting and held while this instance keeps the file open. The kernel drops the lock when the
/// process ends, however it ends, so a killed holder never blocks the next one.
public final class FileLease: Lease {
    public let path: String
    private let name = FileLease.holderName()
    private var fd: Int32?
    private let sys = Syscalls.live

    public init(directory: String, name: String) {
        path = "\(directory)/\(name).lease"
    }

    deinit { release() }

    public func acquire() throws(StoreError) -> Bool {
        if fd != nil { return true }
        let opened: Int32
        do { opened = Int32(try sys.retrying("open", path) { Int(sys.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)) }) } catch {
            var explained = error
            explained.detail += " — the lease file must be the handlers' user's: run the reconciler as that user (runuser -u ekyc --), or remove the file"
            throw explained
        }
        if flock(opened, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            _ = sys.close(opened)
            if code == EWOULDBLOCK { return false }
            throw StoreError(call: "flock", path: path, errno: code, detail: String(cString: strerror(code)))
        }
        fd = opened
        // Who holds it, for the message of the next one that tries.
        let bytes = Array(name.utf8)
        _ = ftruncate(opened, 0)
        _ = bytes.withUnsafeBytes { sys.pwrite(opened, $0, 0) }
        return true
    }

    public func holder() -> String? {
        guard let bytes = try? FileReading.bytes(atPath: path, limit: 512), !bytes.isEmpty else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func release() {
        guard let held = fd else { return }
        _ = flock(held, LOCK_UN)
        _ = sys.close(held)
        fd = nil
    }
}
