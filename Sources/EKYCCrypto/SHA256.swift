import CCrypto

/// SHA-256 over bytes, through libcrypto's low-level `SHA256_*` functions (see `shim.h` for why
/// not the EVP ones).
public enum SHA256 {
    public static let byteCount = 32
    /// The block size, which HMAC pads its key to.
    public static let blockCount = 64

    /// An incremental hash, for HMAC's two passes over a pad and a message.
    struct Context {
        private var state = SHA256_CTX()

        init() { SHA256_Init(&state) }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            // A zero-length update still needs a valid pointer for libcrypto.
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            SHA256_Update(&state, base, bytes.count)
        }

        mutating func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { update($0) }
        }

        mutating func finish() -> [UInt8] {
            var digest = [UInt8](repeating: 0, count: SHA256.byteCount)
            SHA256_Final(&digest, &state)
            return digest
        }
    }

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var context = Context()
        let done: Void? = bytes.withContiguousStorageIfAvailable { context.update(UnsafeRawBufferPointer($0)) }
        if done == nil { context.update(Array(bytes)) }
        return context.finish()
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
