import EKYCCrypto

/// Signatures under `link_key` made by the merchant's backend, which knows who the user is:
/// - a start link `/ekyc/start?ref=REF&exp=EXP&sig=HEX`, `sig = hex(HMAC-SHA256(link_key, "start-link\n" + REF + "\n" + EXP))`:
///   the handler puts REF in `Extra` only when signature, expiry and lifetime hold;
/// - a result read `/ekyc/callback?token=T&exp=EXP&sig=HEX`, `sig = hex(HMAC-SHA256(link_key, "result-read\n" + T + "\n" + EXP))`;
/// - a handoff `/ekyc/start?handoff=ID&exp=EXP&sig=HEX`, made by the handler itself for a
///   verification the backend created, `sig = hex(HMAC-SHA256(link_key, "handoff\n" + ID + "\n" + EXP))`.
/// Each kind signs its own first line, so a signature made for one is never valid as the
/// other (a start link whose ref equals someone's token does not read that token's result).
/// A browser can change none of it.
public enum SignedLink {
    public enum Purpose: String, Sendable {
        case startLink = "start-link"
        case resultRead = "result-read"
        case handoff = "handoff"
    }

    public enum Verdict: Equatable, Sendable {
        case valid(ref: String)
        case invalid(String)
        case expired
        /// Signed correctly but valid for longer than `max_link_lifetime` allows.
        case tooLong(maxSeconds: Int64)
    }

    public static func message(_ purpose: Purpose, subject: String, exp: Int64) -> String {
        "\(purpose.rawValue)\n\(subject)\n\(exp)"
    }

    public static func signature(_ purpose: Purpose, key: String, subject: String, exp: Int64) -> String {
        Hex.encode(HMACSHA256.mac(key: Array(key.utf8), message: Array(message(purpose, subject: subject, exp: exp).utf8)))
    }

    /// Checks the decoded `ref` (or token), `exp` and `sig` query values.
    public static func verify(_ purpose: Purpose, subject: String?, exp: String?, sig: String?, key: String, now: Int64,
                              maxLifetime: Int64) -> Verdict {
        guard let subject, !subject.isEmpty else { return .invalid("the link has no \(purpose == .startLink ? "ref" : purpose == .resultRead ? "token" : "verification id")") }
        guard let exp, exp.utf8.count <= 19, exp.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let expires = Int64(exp) else {
            return .invalid("the link's exp is not a Unix time")
        }
        guard let sig, sig.utf8.count == 64, let given = Hex.decode(sig) else { return .invalid("the link's sig is not 64 hex digits") }
        let expected = HMACSHA256.mac(key: Array(key.utf8), message: Array(message(purpose, subject: subject, exp: expires).utf8))
        // Signature first: an attacker learns nothing about expiry from a forged link.
        guard HMACSHA256.constantTimeEquals(given, expected) else { return .invalid("the link's signature does not match") }
        guard now <= expires else { return .expired }
        guard expires <= now.saturatingAdd(maxLifetime) else { return .tooLong(maxSeconds: maxLifetime) }
        return .valid(ref: subject)
    }
}
