/// The `Cookie` request header and the session cookie the handlers set.
public enum Cookies {
    /// The value of cookie `name` in a `Cookie:` header, or nil.
    public static func value(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        // Split and compare bytes, as browsers do: ";" or "=" followed by a combining mark is
        // one Character to Swift, and Character equality would match other spellings of a name.
        for part in header.utf8.split(separator: UInt8(ascii: ";")) {
            let pair = Substring(part).trimmed().utf8
            guard let eq = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            if pair[..<eq].elementsEqual(name.utf8) { return String(Substring(pair[pair.index(after: eq)...])) }
        }
        return nil
    }

    /// How long a browser keeps the session: as long as the results it unlocks are kept
    /// (`TokenRecord.retentionSeconds`). Any shorter and a user coming back to the result page
    /// gets a 403 that looks like a failed verification and starts (and pays for) another; any
    /// longer unlocks nothing. Without a Max-Age, mobile browsers, which are seldom closed, would
    /// keep it indefinitely. Each start sends the cookie again, so this counts from the last start.
    public static let sessionMaxAge = TokenRecord.retentionSeconds

    /// `Set-Cookie` for the session: HttpOnly, SameSite=Lax (the eKYC page's redirect back is a
    /// top-level GET, which Lax lets through), Path (`CookiePath`), Max-Age, Secure unless
    /// disabled for plain http.
    public static func sessionHeader(name: String, value: String, path: String, secure: Bool) -> String {
        "\(name)=\(value); Path=\(path); Max-Age=\(sessionMaxAge); HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// The cookie that remembers the verification this browser started last, so starting again
    /// inside Tencent's 10-minute start window goes back to it instead of spending a new one.
    /// Only a hint: the token must still be pending and bound to the same session in the store.
    public static func pendingName(_ sessionName: String) -> String { sessionName + "_token" }

    public static func pendingHeader(name sessionName: String, token: String, path: String, secure: Bool) -> String {
        "\(pendingName(sessionName))=\(token); Path=\(path); Max-Age=600; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }
}
