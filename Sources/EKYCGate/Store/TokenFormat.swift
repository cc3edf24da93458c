/// BizTokens as Tencent issues them (upper-case UUIDs); checked before a token is used at all.
public enum TokenFormat {
    public static func isValid(_ token: String) -> Bool {
        (16...128).contains(token.utf8.count) && token.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x2d || byte == 0x5f
        }
    }

    /// What logs show of a token: a prefix of its hash, enough to join lines, useless to an attacker.
    public static func logID(_ token: String) -> String {
        String(sha256Hex(token).prefix(12))
    }
}
