#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import EKYCCrypto

/// One JSON file per token, crash-safe (`DurableFiles`: temp file, fsync, rename or link,
/// fsync the directory). File names are the SHA-256 of the token, sharded by its first byte,
/// so a token never becomes a path and readers never see a partial record.
public final class FileTokenStore: TokenStore {
    public let directory: String
    let files: DurableFiles

    /// Opens (and creates, mode 0700) the store directory; its parent must exist.
    public init(directory: String, syscalls: Syscalls = .live) throws(StoreError) {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.files = DurableFiles(sys: syscalls)
        try files.makeDirectory(self.directory)
    }

    public func path(for token: String) -> (shard: String, file: String) {
        let name = SHA256.hexHash(token)
        let shard = "\(directory)/\(name.prefix(2))"
        return (shard, "\(shard)/\(name).json")
    }

    public func save(_ record: TokenRecord) throws(StoreError) {
        let (shard, file) = path(for: record.token)
        _ = try files.write(try encode(record, file), in: shard) { (temp, directoryFD) throws(StoreError) in
            // A final record is written once: the check and the rename happen under one lock,
            // so a racing writer cannot slip a rename in between.
            if (try? load(token: record.token))??.status.isFinal == true { return false }
            try files.rename(temp, to: file, directory: shard, directoryFD: directoryFD)
            return true
        }
    }

    public func create(_ record: TokenRecord) throws(StoreError) -> Bool {
        let (shard, file) = path(for: record.token)
        return try files.write(try encode(record, file), in: shard) { (temp, directoryFD) throws(StoreError) in
            try files.link(temp, to: file, directory: shard, directoryFD: directoryFD)
        }
    }

    private func encode(_ record: TokenRecord, _ file: String) throws(StoreError) -> [UInt8] {
        do { return Array(try JSONEncoder().encode(record)) } catch {
            throw StoreError(call: "encode", path: file, errno: 0, detail: "\(error)")
        }
    }

    public func load(token: String) throws(StoreError) -> TokenRecord? {
        let (_, file) = path(for: token)
        let bytes: [UInt8]
        do { bytes = try FileReading.bytes(atPath: file, limit: 1 << 20) } catch {
            if error.errno == ENOENT { return nil }
            throw StoreError(call: "read", path: file, errno: error.errno, detail: error.reason)
        }
        let record: TokenRecord
        do { record = try JSONDecoder().decode(TokenRecord.self, from: Data(bytes)) } catch {
            throw StoreError(call: "decode", path: file, errno: 0, detail: "record is not valid JSON: \(error)")
        }
        // The name is a hash of the token; a record under another token's name is not this one's.
        guard record.token == token else { return nil }
        return record
    }

    public func remove(token: String) throws(StoreError) {
        let (shard, file) = path(for: token)
        try files.remove(file, directory: shard)
    }

    /// Counts record files (a directory walk: fine for a status page, not for a hot path).
    public func approximateCount() throws(StoreError) -> Int? {
        var count = 0
        for shard in try files.entries(of: directory) where shard.count == 2 && shard.allSatisfy(\.isHexDigit) {
            count += try files.entries(of: "\(directory)/\(shard)").filter { $0.hasSuffix(".json") }.count
        }
        return count
    }

    public func sweep(now: Int64) throws(StoreError) -> Int {
        var removed = 0
        for shard in try files.entries(of: directory) where shard.count == 2 && shard.allSatisfy(\.isHexDigit) {
            let shardPath = "\(directory)/\(shard)"
            for name in try files.entries(of: shardPath) {
                let path = "\(shardPath)/\(name)"
                if name.hasPrefix(DurableFiles.tempPrefix) {
                    if files.sweepTemp(name, in: shardPath, now: now) { removed += 1 }
                } else if name.hasSuffix(".json") {
                    guard let bytes = try? FileReading.bytes(atPath: path, limit: 1 << 20),
                          let record = try? JSONDecoder().decode(TokenRecord.self, from: Data(bytes)) else { continue }
                    if record.keepUntil < now, files.sys.unlink(path) == 0 { removed += 1 }
                }
            }
        }
        return removed
    }
}
