import CCrypto

/// SHA-256 over bytes, through libcrypto's one-shot `SHA256`.
public enum SHA256 {
    public static let byteCount = 32

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            _ = CCrypto.SHA256(buffer.baseAddress, buffer.count, &digest)
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { _ = CCrypto.SHA256($0.baseAddress, $0.count, &digest) }
        }
        return digest
    }

    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }

    /// Lower-case hex of the digest, as TC3 and the token store write it.
    public static func hexHash(_ bytes: some Collection<UInt8>) -> String {
        Hex.encode(hash(bytes))
    }

    public static func hexHash(_ string: String) -> String {
        Hex.encode(hash(string))
    }
}
