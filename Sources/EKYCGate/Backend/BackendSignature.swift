import EKYCCrypto
public import FastCGI

/// How the merchant's backend authenticates a request to the handlers (create a verification,
/// read one): the header `EKYC-Signature: t=UNIX,v1=HEX` with
/// `HEX = hex(HMAC-SHA256(link_key, "backend-request\n" + METHOD + "\n" + PATH + "\n" + t + "\n" + hex(SHA-256(body))))`.
/// The label keeps it apart from every other signature under the same key (start links,
/// result reads, handoffs); method, path and body bind it to this one request; `t` bounds
/// when it may be used (`toleranceSeconds` either way). The signature is in a header, so it
/// never lands in an access or error log the way a query string does.
public enum BackendSignature {
    public static let header = "EKYC-Signature"
    public static let label = "backend-request"
    public static let toleranceSeconds: Int64 = 300

    public static func message(method: String, path: String, timestamp: Int64, body: [UInt8]) -> String {
        "\(label)\n\(method)\n\(path)\n\(timestamp)\n\(SHA256.hexHash(body))"
    }

    public static func sign(key: String, method: String, path: String, timestamp: Int64, body: [UInt8]) -> String {
        let mac = HMACSHA256.mac(key: Array(key.utf8), message: Array(message(method: method, path: path, timestamp: timestamp, body: body).utf8))
        return "t=\(timestamp),v1=\(Hex.encode(mac))"
    }

    public enum Verdict: Equatable, Sendable {
        /// Valid; the signature (lower-case hex) names this request, e.g. to refuse a replay.
        case valid(signature: String)
        case missing
        case invalid(String)
    }

    /// Checks the header of `request` for `path` (the path the backend signed, as nginx saw it).
    public static func verify(_ request: HTTPRequest, path: String, key: String?, now: Int64) -> Verdict {
        guard let value = request.header(header) else { return .missing }
        guard let key else { return .invalid("this server has no link_key, so it cannot check signed backend requests") }
        var timestamp: Int64?
        var given: [UInt8]?
        for part in value.split(separator: ",") {
            let pair = part.trimmed()
            if pair.hasPrefix("t="), let number = Int64(pair.dropFirst(2)), pair.utf8.count <= 21 { timestamp = number }
            if pair.hasPrefix("v1="), pair.utf8.count == 67 { given = Hex.decode(String(pair.dropFirst(3))) }
        }
        guard let timestamp, let given else {
            return .invalid("\(header) must be t=UNIX_SECONDS,v1=64 hex digits")
        }
        let expected = HMACSHA256.mac(key: Array(key.utf8), message: Array(message(method: request.method, path: path, timestamp: timestamp, body: request.body).utf8))
        guard HMACSHA256.constantTimeEquals(given, expected) else {
            return .invalid("the \(header) does not match this request (method, path, t and body are all signed)")
        }
        guard abs(now.saturatingSubtract(timestamp)) <= toleranceSeconds else {
            return .invalid("the \(header) was made at t=\(timestamp), more than \(toleranceSeconds) s from this server's clock; sign each request when you send it (and check the clock)")
        }
        return .valid(signature: Hex.encode(given))
    }
}
