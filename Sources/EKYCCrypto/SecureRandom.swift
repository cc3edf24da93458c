import CCrypto
#if canImport(Glibc)
import Glibc
#endif

/// Errors of this module: only the random source can fail.
public enum CryptoError: Error, CustomStringConvertible {
    case randomUnavailable(errno: Int32)

    public var description: String {
        "the kernel's random generator (getrandom) failed: \(String(cString: strerror(errnoValue))); check that the kernel is 3.17 or later and that no seccomp filter blocks getrandom"
    }

    private var errnoValue: Int32 {
        switch self { case .randomUnavailable(let value): value }
    }
}

/// Cryptographically strong random bytes (session ids, temp-file names, sandbox tokens) from
/// the kernel's generator, the source OpenSSL's RAND_bytes seeds itself from; asking OpenSSL
/// would initialise all of libcrypto in a process that needs a few bytes (see `CCrypto/shim.h`).
public enum SecureRandom {
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = out.withUnsafeMutableBytes { getrandom($0.baseAddress! + filled, count - filled, 0) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .randomUnavailable(errno: errno)
            }
            filled += got
        }
        return out
    }
}
