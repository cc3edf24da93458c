#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import EKYCCrypto

/// The limiter of the file store: a fixed table of slots in one file in the store directory,
/// read and written under `flock`, so every handler process on the machine (FastCGI workers,
/// CGI runs, both handlers) counts against the same numbers. A slot is a key's hash and its
/// TAT (16 bytes); a key probes a few neighbouring slots. When all are taken by live keys the
/// one closest to expiring is reused: its owner loses some history, which can only make the
/// limiter more lenient for it, never spend more than the global budget, which has a slot
/// that is never evicted for long (it is written many times a second).
///
/// Nothing is fsynced: the counts are soft state; after a crash they start over.
public final class FileRateLimiter: RateLimiter {
    public static let fileName = "rate-limits"
    static let slotCount = 1 << 16
    static let slotBytes = 16
    static let probes = 8

    public let path: String
    private let sys: Syscalls
    /// The open table, opened on first use: only a serving handler counts, so `sweep` or
    /// `--check-config` run as another user never create the file under that user's name.
    /// Also the lock of this process's threads: `flock` excludes other processes, not other
    /// threads of this one (they share the open file).
    private let file = Mutex<Int32?>(nil)

    public init(directory: String, syscalls: Syscalls = .live) {
        path = "\(directory)/\(Self.fileName)"
        sys = syscalls
    }

    deinit { if let fd = file.withLock({ $0 }) { _ = sys.close(fd) } }

    public func take(_ key: String, rate: Rate, now: Int64) throws(StoreError) -> LimitDecision {
        let hash = Self.hash(key)
        let first = Int(hash % UInt64(Self.slotCount - Self.probes + 1))
        let offset = Int64(first * Self.slotBytes)
        return try file.withLock { (opened: inout Int32?) throws(StoreError) -> LimitDecision in
            let fd: Int32
            if let opened { fd = opened } else {
                fd = Int32(try sys.retrying("open", path) { Int(sys.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)) })
                opened = fd
            }
            _ = try sys.retrying("flock", path) { Int(flock(fd, LOCK_EX)) }
            defer { _ = flock(fd, LOCK_UN) }
            var slots = [UInt8](repeating: 0, count: Self.probes * Self.slotBytes)
            // A short read is the unwritten end of a new file: zeros, which are free slots.
            _ = try sys.retrying("pread", path) { slots.withUnsafeMutableBytes { sys.pread(fd, $0, offset) } }
            let chosen = Self.slot(for: hash, in: slots, now: now)
            let stored = chosen.matched ? Self.tat(in: slots, slot: chosen.index) : nil
            let (decision, next) = GCRA.decide(storedTAT: stored, now: now, rate: rate)
            if let next {
                var entry = [UInt8](repeating: 0, count: Self.slotBytes)
                Self.put(hash, at: 0, in: &entry)
                Self.put(UInt64(bitPattern: next), at: 8, in: &entry)
                let at = offset + Int64(chosen.index * Self.slotBytes)
                let written = try sys.retrying("pwrite", path) { entry.withUnsafeBytes { sys.pwrite(fd, $0, at) } }
                if written != Self.slotBytes {
                    throw StoreError(call: "pwrite", path: path, errno: EIO, detail: "wrote \(written) of \(Self.slotBytes) bytes")
                }
            }
            return decision
        }
    }

    /// The key's own slot, else a free one (TAT passed), else the one that frees soonest.
    static func slot(for hash: UInt64, in slots: [UInt8], now: Int64) -> (index: Int, matched: Bool) {
        var free: Int?
        var soonest = 0
        for index in 0..<probes {
            if word(in: slots, at: index * slotBytes) == hash { return (index, true) }
            let tat = tat(in: slots, slot: index)
            if tat <= now, free == nil { free = index }
            if tat < self.tat(in: slots, slot: soonest) { soonest = index }
        }
        return (free ?? soonest, false)
    }

    /// A key's 64-bit name; never 0, which marks a slot never written.
    static func hash(_ key: String) -> UInt64 {
        let digest = SHA256.hash(key)
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return value == 0 ? 1 : value
    }

    static func tat(in slots: [UInt8], slot: Int) -> Int64 { Int64(bitPattern: word(in: slots, at: slot * slotBytes + 8)) }

    static func word(in bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    static func put(_ value: UInt64, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64(index))) }
    }
}
