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
public struct SessionID: Sendable, Equatable {
    /// The random part, 64 lower-case hex digits.
    private let id: String
    /// What the cookie holds: `ID.MAC`.
    public let cookieValue: String

    static let randomBytes = 32
    static let idLength = 2 * randomBytes
    static let cookieLength = idLength + 1 + 2 * SHA256.byteCount

    /// The label the session key is derived under, so the same secret keys nothing else alike.
    static let keyLabel = "ekyc-gate session-id"

    /// The key sessions are issued and checked under: HMAC-SHA256(secret, label). Derived from
    /// the API secret both handlers already share, so they agree without another setting.
    public static func key(secret: String) -> [UInt8] {
        HMACSHA256.mac(key: Array(secret.utf8), message: keyLabel)
    }

    /// A new session with fresh random bytes.
    public static func issue(key: [UInt8]) throws(CryptoError) -> SessionID {
        SessionID(random: try SecureRandom.bytes(randomBytes), key: key)
    }

    /// The session for these random bytes (`issue` draws them; tests give their own).
    public init(random: [UInt8], key: [UInt8]) {
        id = Hex.encode(random)
        cookieValue = id + "." + Hex.encode(HMACSHA256.mac(key: key, message: id))
    }

    /// The session a cookie value names, when it is one issued under `key`; nil for anything
    /// else (absent, malformed, a self-made id, a MAC under another key). The MAC is compared
    /// in constant time.
    public init?(cookie: String?, key: [UInt8]) {
        guard let cookie, cookie.utf8.count == Self.cookieLength else { return nil }
        let bytes = Array(cookie.utf8)
        let idPart = bytes[..<Self.idLength], macPart = bytes[(Self.idLength + 1)...]
        guard bytes[Self.idLength] == UInt8(ascii: "."), idPart.allSatisfy(Self.isLowerHex), macPart.allSatisfy(Self.isLowerHex),
              let given = Hex.decode(String(decoding: macPart, as: UTF8.self)) else { return nil }
        let id = String(decoding: idPart, as: UTF8.self)
        guard HMACSHA256.constantTimeEquals(given, HMACSHA256.mac(key: key, message: id)) else { return nil }
        self.id = id
        self.cookieValue = cookie
    }

    /// The binding a token record keeps: SHA-256 of the random part, as hex.
    public var hash: String { SHA256.hexHash(id) }

    /// Whether a cookie value is a session issued under `key` and bound to `hash`; both the MAC
    /// and the hash are compared in constant time.
    public static func matches(_ cookie: String?, hash: String, key: [UInt8]) -> Bool {
        guard let session = SessionID(cookie: cookie, key: key), let expected = Hex.decode(hash) else { return false }
        return HMACSHA256.constantTimeEquals(SHA256.hash(session.id), expected)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }
}
