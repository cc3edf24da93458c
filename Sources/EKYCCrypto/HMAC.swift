import CCrypto

/// HMAC-SHA256, through libcrypto's one-shot `HMAC`.
public enum HMACSHA256 {
    public static func mac(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        let key = Array(key)
        let message = Array(message)
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                // A zero-length key or message still needs a valid pointer for libcrypto.
                let keyPointer = UnsafeRawPointer(k.baseAddress) ?? UnsafeRawPointer(bitPattern: 1)!
                _ = CCrypto.HMAC(EVP_sha256(), keyPointer, Int32(k.count), m.baseAddress ?? UnsafePointer(bitPattern: 1)!, m.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
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
