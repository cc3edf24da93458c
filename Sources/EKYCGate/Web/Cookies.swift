/// The `Cookie` request header and the session cookie the handlers set.
public enum Cookies {
    /// The value of cookie `name` in a `Cookie:` header, or nil.
    public static func value(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmed()
            guard let eq = pair.firstIndex(of: "=") else { continue }
            if pair[..<eq] == name { return String(pair[pair.index(after: eq)...]) }
        }
        return nil
    }

    /// `Set-Cookie` for the session: HttpOnly, SameSite=Lax (the eKYC page's redirect back is a
    /// top-level GET, which Lax lets through), Path=/ekyc, Secure unless disabled for plain http.
    public static func sessionHeader(name: String, value: String, secure: Bool) -> String {
        "\(name)=\(value); Path=/ekyc; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }
}
