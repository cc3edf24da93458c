import EKYCCrypto

/// One entry of a store journal (`StoreJournal`): a record to write, or a token whose record was
/// removed, with the time it was appended. Framed so that a reader finds where a torn append
/// ends: `EKJ1`, the payload's length (UInt32, little-endian), the stamp (Int64 nanoseconds,
/// little-endian), the first 8 bytes of SHA-256 over length, stamp, kind and payload, the kind
/// byte, then the payload (the record's JSON, or the removed token).
struct JournalEntry: Equatable, Sendable {
    enum Kind: UInt8, Sendable {
        case record = 0x52   // "R"
        case removal = 0x44  // "D"
    }

    static let magic: [UInt8] = Array("EKJ1".utf8)
    static let headerBytes = 4 + 4 + 8 + 8 + 1
    /// A record is at most 1 MiB (what `load` reads); a longer length is a torn header.
    static let maxPayload = 1 << 20

    var kind: Kind
    /// When it was appended (`CLOCK_REALTIME_COARSE`, the clock the kernel stamps a file's
    /// mtime with), so recovery can tell a record file older than the entry from a newer one.
    var stamp: Int64
    var payload: [UInt8]

    func encoded() -> [UInt8] {
        var out = Self.magic
        out.reserveCapacity(Self.headerBytes + payload.count)
        let covered = Self.covered(kind: kind, stamp: stamp, payload: payload)
        out.append(contentsOf: covered.prefix(12))
        out.append(contentsOf: SHA256.hash(covered).prefix(8))
        out.append(kind.rawValue)
        out.append(contentsOf: payload)
        return out
    }

    /// The whole entries at the start of `bytes`, and how many bytes they fill: decoding stops
    /// at the first entry that is cut short or does not check out (a torn tail after a crash).
    static func decodeAll(_ bytes: [UInt8]) -> (entries: [JournalEntry], validBytes: Int) {
        var entries: [JournalEntry] = []
        var offset = 0
        while let (entry, size) = decode(bytes, at: offset) {
            entries.append(entry)
            offset += size
        }
        return (entries, offset)
    }

    private static func decode(_ bytes: [UInt8], at offset: Int) -> (JournalEntry, Int)? {
        guard bytes.count - offset >= headerBytes, Array(bytes[offset..<offset + 4]) == magic else { return nil }
        let length = Int(littleEndian(bytes, at: offset + 4, count: 4))
        guard length <= maxPayload, bytes.count - offset - headerBytes >= length,
              let kind = Kind(rawValue: bytes[offset + 24]) else { return nil }
        let stamp = Int64(bitPattern: littleEndian(bytes, at: offset + 8, count: 8))
        let payload = Array(bytes[(offset + headerBytes)..<(offset + headerBytes + length)])
        let check = Array(bytes[(offset + 16)..<(offset + 24)])
        guard Array(SHA256.hash(covered(kind: kind, stamp: stamp, payload: payload)).prefix(8)) == check else { return nil }
        return (JournalEntry(kind: kind, stamp: stamp, payload: payload), headerBytes + length)
    }

    /// Length and stamp (the 12 header bytes after the magic), then kind and payload: what the
    /// check covers.
    private static func covered(kind: Kind, stamp: Int64, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(13 + payload.count)
        let length = UInt32(payload.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: length >> shift)) }
        let raw = UInt64(bitPattern: stamp)
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: raw >> shift)) }
        out.append(kind.rawValue)
        out.append(contentsOf: payload)
        return out
    }

    private static func littleEndian(_ bytes: [UInt8], at offset: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }
}
