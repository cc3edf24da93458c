/// A transfer that did not produce an HTTP answer, with curl's own words.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Connect or total deadline passed.
        case timeout
        /// Name resolution, connect refused, reset: the request may or may not have been sent.
        case network
        /// Certificate not trusted, handshake failed.
        case tls
        /// A setup error in this program (bad option, no memory).
        case setup
    }

    public var kind: Kind
    /// curl's numeric `CURLcode`.
    public var code: Int32
    /// curl's message for the code plus its error buffer, e.g. "Timeout was reached: …".
    public var message: String
    /// True when curl could not have sent any byte of the request (resolve or connect failed),
    /// so even a non-idempotent call may be retried.
    public var requestNotSent: Bool

    public init(kind: Kind, code: Int32, message: String, requestNotSent: Bool) {
        self.kind = kind
        self.code = code
        self.message = message
        self.requestNotSent = requestNotSent
    }

    public var description: String { "HTTP transfer failed (curl \(code)): \(message)" }
}
