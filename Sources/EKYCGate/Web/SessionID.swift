public import EKYCCrypto

/// The browser session a token is bound to, as its cookie carries it: `ID.MAC`, where ID is
/// 32 random bytes as lower-case hex and MAC = hex(HMAC-SHA256(session key, ID)).
///
/// Only a value this server issued has a MAC that verifies, so nobody can pick a session id
/// in advance, plant it in a victim's browser and later read the victim's result with it
/// (session fixation); a value that does not verify counts as no session at all. The token
/// record keeps only SHA-256 of ID: the random part alone is what binds, so a leaked store
/// cannot be replayed as cookies, and the binding does not change if the cookie's encoding or
/// key ever does.
public enum SessionID {
    static let randomBytes = 32
    static let idLength = 2 * randomBytes
    static let valueLength = idLength + 1 + 2 * SHA256.byteCount

    /// The label the session key is derived under, so the secret keys nothing else alike.
    static let keyLabel = "ekyc-gate session-id"

    /// The key sessions are issued and checked under: HMAC-SHA256(secret, label). Derived from
    /// the API secret both handlers already share, so they agree without another setting.
    public static func key(secret: String) -> [UInt8] {
        HMACSHA256.mac(key: Array(secret.utf8), message: keyLabel)
    }

    /// A new cookie value with fresh random bytes.
    public static func make(key: [UInt8]) throws(CryptoError) -> String {
        make(random: try SecureRandom.bytes(randomBytes), key: key)
    }

    /// The cookie value for these random bytes (`make(key:)` draws them; tests give their own).
    public static func make(random: [UInt8], key: [UInt8]) -> String {
        let id = Hex.encode(random)
        return id + "." + Hex.encode(HMACSHA256.mac(key: key, message: id))
    }

    /// Whether a cookie value is one issued under `key`: false for anything else (malformed, a
    /// self-made id, a MAC under another key). The MAC is compared in constant time.
    public static func isValid(_ value: String, key: [UInt8]) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == valueLength, bytes[idLength] == UInt8(ascii: ".") else { return false }
        let id = bytes[..<idLength], mac = bytes[(idLength + 1)...]
        guard id.allSatisfy(isLowerHex), mac.allSatisfy(isLowerHex),
              let given = Hex.decode(String(decoding: mac, as: UTF8.self)) else { return false }
        return HMACSHA256.constantTimeEquals(given, HMACSHA256.mac(key: key, message: id))
    }

    /// The binding a token record keeps: SHA-256 (hex) of the random part, the text before the dot.
    public static func hash(_ value: String) -> String { SHA256.hexHash(randomPart(value)) }

    /// Whether a cookie value is a session issued under `key` and bound to `hash`; both the MAC
    /// and the hash are compared in constant time.
    public static func matches(_ value: String?, hash: String, key: [UInt8]) -> Bool {
        guard let value, isValid(value, key: key), let expected = Hex.decode(hash) else { return false }
        return HMACSHA256.constantTimeEquals(SHA256.hash(randomPart(value)), expected)
    }

    private static func randomPart(_ value: String) -> Substring.UTF8View {
        value.utf8.prefix { $0 != UInt8(ascii: ".") }
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }
}
