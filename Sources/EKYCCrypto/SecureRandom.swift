import CCrypto

/// Errors of this module: only the random source can fail.
public enum CryptoError: Error, CustomStringConvertible {
    case randomUnavailable

    public var description: String {
        "the system random generator (OpenSSL RAND_bytes) failed; check that /dev/urandom is readable"
    }
}

/// Cryptographically strong random bytes (session ids, temp-file names, sandbox tokens).
public enum SecureRandom {
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_bytes(&out, Int32(count)) == 1 else { throw .randomUnavailable }
        return out
    }
}
