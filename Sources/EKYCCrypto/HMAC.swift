import CCrypto

/// HMAC-SHA256 (RFC 2104) over `SHA256`: H((K ^ opad) || H((K ^ ipad) || message)), the key
/// hashed first when it is longer than a block. Written out here rather than through libcrypto's
/// `HMAC()`, whose first call initialises all of OpenSSL (see `CCrypto/shim.h`).
public enum HMACSHA256 {
    public static func mac(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        var block = key.count > SHA256.blockCount ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: SHA256.blockCount - block.count)

        var inner = SHA256.Context()
        inner.update(block.map { $0 ^ 0x36 })
        let done: Void? = message.withContiguousStorageIfAvailable { inner.update(UnsafeRawBufferPointer($0)) }
        if done == nil { inner.update(Array(message)) }

        var outer = SHA256.Context()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(inner.finish())
        return outer.finish()
    }

    public static func mac(key: some Collection<UInt8>, message: String) -> [UInt8] {
        mac(key: key, message: Array(message.utf8))
    }

    /// Compares two MACs in time that depends only on their length, so a forged signature
    /// cannot be found byte by byte.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 }
        }
    }
}
