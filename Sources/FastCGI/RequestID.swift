/// The id that joins a request's log line, the web server's access log and the support
/// reference an error answer shows (`requestId`).
public enum RequestID {
    /// The web server's id for the request: nginx's `$request_id` (`REQUEST_ID`, as the snippet
    /// passes it), Apache's mod_unique_id (`UNIQUE_ID`), or a proxy's `X-Request-Id`. The web
    /// server's own first: a client-sent header must not break the join with the access log.
    public static func given(by params: [String: String]) -> String? {
        for key in ["REQUEST_ID", "UNIQUE_ID", "HTTP_X_REQUEST_ID"] {
            if let id = params[key], !id.isEmpty { return id }
        }
        return nil
    }

    /// The web server's id, or nil.
    public static func given(by request: HTTPRequest) -> String? { given(by: request.params) }

    /// A new id for a request the web server gave none: 16 random characters of the URL-safe
    /// base64 alphabet (96 bits), short enough to read out to support.
    public static func make() -> String {
        // Two draws of the kernel's generator, six bits a character (a draw per character was
        // sixteen getrandom calls on every request).
        var generator = SystemRandomNumberGenerator()
        var bits = [generator.next() as UInt64, generator.next() as UInt64]
        var text = ""
        text.reserveCapacity(16)
        for index in 0..<16 {
            text.unicodeScalars.append(alphabet[Int(bits[index / 8] & 63)])
            bits[index / 8] >>= 6
        }
        return text
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)
}
