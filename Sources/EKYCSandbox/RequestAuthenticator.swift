import EKYCCrypto
public import EKYCGate
public import FastCGI

/// Checks a request's TC3-HMAC-SHA256 signature the way Tencent's gateway does: against the
/// `Host` and `Content-Type` the client actually sent, the body bytes as received, and a clock
/// that may differ from the client's by at most five minutes.
public struct RequestAuthenticator: Sendable {
    public static let allowedSkewSeconds: Int64 = 300
    public static let service = "faceid"

    /// The one key pair this sandbox accepts.
    public var credentials: Credentials

    public init(credentials: Credentials) {
        self.credentials = credentials
    }

    /// Succeeds silently or throws the error Tencent would answer.
    public func verify(_ request: HTTPRequest, nowSeconds: Int64) throws(APIError) {
        guard let header = request.header("Authorization"), !header.isEmpty else {
            throw .invalidAuthorization("the Authorization header is missing")
        }
        let authorization: TC3Authorization
        do { authorization = try TC3Authorization(parsing: header) } catch {
            throw .invalidAuthorization(error.description)
        }
        guard let text = request.header("X-TC-Timestamp"), let timestamp = Int64(text) else {
            throw .invalidParameter("X-TC-Timestamp is missing or is not a Unix time in seconds.")
        }
        // A range check, not abs(now - timestamp): that difference overflows (a trap) for
        // timestamps near Int64.min.
        guard timestamp >= nowSeconds - Self.allowedSkewSeconds, timestamp <= nowSeconds + Self.allowedSkewSeconds else {
            throw .signatureExpire(timestamp: timestamp, now: nowSeconds)
        }
        guard authorization.secretId == credentials.secretId else {
            throw .secretIdNotFound(authorization.secretId)
        }
        let expected = expectedSignature(request, signedHeaders: authorization.signedHeaders, timestamp: timestamp)
        guard let expected, authorization.service == Self.service,
              HMACSHA256.constantTimeEquals(Array(expected.utf8), Array(authorization.signature.utf8)) else {
            throw .signatureFailure
        }
    }

    /// The signature this request should carry, or nil when it cannot have a valid one
    /// (a signed header that was not sent).
    func expectedSignature(_ request: HTTPRequest, signedHeaders: [String], timestamp: Int64) -> String? {
        let unsignedPayload = request.header("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD"
        let payload = unsignedPayload ? Array("UNSIGNED-PAYLOAD".utf8) : request.body
        if signedHeaders == ["content-type", "host"], request.method == "POST" {
            // What every official SDK sends: the shared signer, values exactly as received.
            guard let host = request.header("Host"), let contentType = request.header("Content-Type") else { return nil }
            let input = SigningInput(service: Self.service, host: host, contentType: contentType, payload: payload)
            return TC3Signer.sign(credentials, input, timestamp: timestamp).signature
        }
        return genericSignature(request, signedHeaders: signedHeaders, payload: payload, timestamp: timestamp)
    }

    /// The older signing (`SignatureMethod=HmacSHA256`, every parameter in the query or a form
    /// body): Base64 of HMAC-SHA256 over `METHOD` + Host + `/?` + the parameters but `Signature`
    /// sorted by name as `name=value` joined by `&`, values as sent before URL encoding.
    func verifyOldSignature(_ request: HTTPRequest, fields: FormFields, nowSeconds: Int64) throws(APIError) {
        for name in ["SecretId", "Timestamp", "Nonce", "Signature"] where fields[name] == nil { throw .missingParameter(name) }
        let method = fields["SignatureMethod"] ?? "HmacSHA1"
        guard method == "HmacSHA256" else {
            throw .invalidValue("SignatureMethod", "the sandbox checks HmacSHA256 and TC3-HMAC-SHA256 signatures only, not \(method.prefix(20))")
        }
        guard let timestamp = fields["Timestamp"].flatMap({ Int64($0) }) else {
            throw .invalidParameter("Timestamp is not a Unix time in seconds.")
        }
        guard timestamp >= nowSeconds - Self.allowedSkewSeconds, timestamp <= nowSeconds + Self.allowedSkewSeconds else {
            throw .signatureExpire(timestamp: timestamp, now: nowSeconds)
        }
        let secretId = fields["SecretId"] ?? ""
        guard secretId == credentials.secretId else { throw .secretIdNotFound(secretId) }
        let signed = fields.all.filter { $0.key != "Signature" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let text = "\(request.method)\(request.header("Host") ?? "")/?" + signed.joined(separator: "&")
        let expected = Base64.encode(HMACSHA256.mac(key: Array(credentials.secretKey.utf8), message: text)[...])
        guard HMACSHA256.constantTimeEquals(Array(expected.utf8), Array((fields["Signature"] ?? "").utf8)) else {
            throw .signatureFailure
        }
    }

    /// Any other SignedHeaders list (the signature spec allows e.g. `x-tc-action`): values
    /// lower-cased and trimmed, as the spec's text says; the signer does the rest.
    private func genericSignature(_ request: HTTPRequest, signedHeaders: [String], payload: [UInt8], timestamp: Int64) -> String? {
        guard signedHeaders.contains("content-type"), signedHeaders.contains("host") else { return nil }
        var headers: [(name: String, value: String)] = []
        for name in signedHeaders {
            guard let value = request.header(name) else { return nil }
            headers.append((name, value.trimmed().lowercased()))
        }
        let canonical = CanonicalRequest(method: request.method, query: request.queryString, headers: headers,
                                         hashedPayload: SHA256.hexHash(payload))
        return TC3Signer.sign(credentials, service: Self.service, canonical, timestamp: timestamp).signature
    }
}
