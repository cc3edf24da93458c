import EKYCCrypto

/// Signed start links: the merchant app, which knows who the user is, makes
/// `/ekyc/start?ref=REF&exp=UNIX_SECONDS&sig=HEX` with
/// `sig = hex(HMAC-SHA256(link_key, REF + "\n" + EXP))`, and the handler puts REF in `Extra`
/// only when the signature and expiry hold. A browser can change none of it.
public enum SignedLink {
    public enum Verdict: Equatable, Sendable {
        case valid(ref: String)
        case invalid(String)
        case expired
    }

    public static func message(ref: String, exp: Int64) -> String { "\(ref)\n\(exp)" }

    public static func signature(key: String, ref: String, exp: Int64) -> String {
        Hex.encode(HMACSHA256.mac(key: Array(key.utf8), message: message(ref: ref, exp: exp)))
    }

    /// Checks the decoded `ref`, `exp` and `sig` query values.
    public static func verify(ref: String?, exp: String?, sig: String?, key: String, now: Int64) -> Verdict {
        guard let ref, !ref.isEmpty else { return .invalid("the link has no ref") }
        guard let exp, let expires = Int64(exp), exp.allSatisfy(\.isNumber) else { return .invalid("the link's exp is not a Unix time") }
        guard let sig, sig.utf8.count == 64, let given = Hex.decode(sig) else { return .invalid("the link's sig is not 64 hex digits") }
        let expected = HMACSHA256.mac(key: Array(key.utf8), message: message(ref: ref, exp: expires))
        // Signature first: an attacker learns nothing about expiry from a forged link.
        guard HMACSHA256.constantTimeEquals(given, expected) else { return .invalid("the link's signature does not match") }
        guard now <= expires else { return .expired }
        return .valid(ref: ref)
    }
}
