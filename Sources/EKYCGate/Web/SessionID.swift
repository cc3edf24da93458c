public import EKYCCrypto

/// The browser session a token is bound to: 32 random bytes as hex in a cookie; the store keeps
/// only its hash, so a leaked store cannot be replayed as cookies.
public enum SessionID {
    public static func make() throws(EKYCCrypto.CryptoError) -> String { Hex.encode(try SecureRandom.bytes(32)) }

    public static func isValid(_ value: String) -> Bool {
        value.utf8.count == 64 && value.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    public static func hash(_ value: String) -> String { SHA256.hexHash(value) }

    /// Whether the cookie value belongs to the stored hash, in constant time.
    public static func matches(_ value: String?, hash: String) -> Bool {
        guard let value, isValid(value), let expected = Hex.decode(hash) else { return false }
        return HMACSHA256.constantTimeEquals(SHA256.hash(value), expected)
    }
}
