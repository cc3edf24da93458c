import EKYCCrypto

/// The signature on every webhook, Stripe's scheme: the header
/// `EKYC-Signature: t=UNIX,v1=HEX` with `HEX = hex(HMAC-SHA256(webhook_key, t + "." + body))`.
/// The time is signed, so a captured delivery cannot be replayed later than the receiver's
/// tolerance; the body is signed byte for byte as sent. The message starts with digits and a
/// dot, which no other signature here does (those start with their own label: `start-link\n`,
/// `result-read\n`), and the key is a key of its own (`webhook_key`, refused when equal to
/// `link_key`). The receivers in `docs/snippets/webhook-verify.*` check it the same way.
public enum WebhookSignature {
    public static let header = "EKYC-Signature"
    /// How far a receiver should accept `t` from its own clock (the snippets' default).
    public static let defaultToleranceSeconds: Int64 = 300

    public enum Verdict: Equatable, Sendable {
        case valid
        /// The header is missing or not `t=…,v1=…`.
        case malformed(String)
        /// No `v1` is the HMAC of this body at this time under this key.
        case mismatch
        /// Signed correctly, but `t` is further from now than the tolerance.
        case stale
    }

    public static func message(timestamp: Int64, body: [UInt8]) -> [UInt8] {
        Array("\(timestamp).".utf8) + body
    }

    public static func signature(key: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        HMACSHA256.mac(key: Array(key.utf8), message: message(timestamp: timestamp, body: body))
    }

    /// The header's value for `body` sent at `timestamp`.
    public static func sign(key: String, timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(Hex.encode(signature(key: key, timestamp: timestamp, body: body)))"
    }

    /// What a receiver does: any `v1` (several during a key change) must match in constant
    /// time, then `t` must be within `tolerance` of `now`.
    public static func verify(header: String?, body: [UInt8], key: String, now: Int64,
                              tolerance: Int64 = defaultToleranceSeconds) -> Verdict {
        guard let header, header.utf8.count <= 1024 else { return .malformed("no \(Self.header) header") }
        var timestamp: Int64?
        var candidates: [[UInt8]] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmed() }
            guard pair.count == 2 else { return .malformed("'\(item.prefix(20))' is not name=value") }
            switch pair[0] {
            case "t":
                guard timestamp == nil, pair[1].utf8.count <= 19, pair[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                      let value = Int64(pair[1]) else { return .malformed("t is not one Unix time") }
                timestamp = value
            case "v1":
                guard pair[1].utf8.count == 64, let bytes = Hex.decode(pair[1]) else { return .malformed("v1 is not 64 hex digits") }
                candidates.append(bytes)
            default:
                continue   // other schemes, for a future version
            }
        }
        guard let timestamp else { return .malformed("no t=") }
        guard !candidates.isEmpty else { return .malformed("no v1=") }
        let expected = signature(key: key, timestamp: timestamp, body: body)
        // Every candidate is compared, so the time taken says nothing about which one matched.
        let matched = candidates.reduce(false) { HMACSHA256.constantTimeEquals($1, expected) || $0 }
        guard matched else { return .mismatch }
        guard now.saturatingSubtract(timestamp) <= tolerance, timestamp.saturatingSubtract(now) <= tolerance else { return .stale }
        return .valid
    }
}
