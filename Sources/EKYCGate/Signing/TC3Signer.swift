import EKYCCrypto

/// A Tencent Cloud API key pair.
public struct Credentials: Sendable, Equatable {
    public var secretId: String
    public var secretKey: String

    public init(secretId: String, secretKey: String) {
        self.secretId = secretId
        self.secretKey = secretKey
    }
}

/// What TC3-HMAC-SHA256 signs of a request: always `POST /` with no query, and the two
/// signed headers `content-type` and `host`, as Tencent's SDKs send.
public struct SigningInput: Sendable {
    public var service: String
    /// The `Host` header exactly as sent, with `:port` when the endpoint has one.
    public var host: String
    public var contentType: String
    public var payload: [UInt8]

    public init(service: String, host: String, contentType: String = "application/json", payload: [UInt8]) {
        self.service = service
        self.host = host
        self.contentType = contentType
        self.payload = payload
    }

    /// The signed headers with the values signed, in the order `TC3Signer.signedHeaders` names
    /// them: a client sends exactly these, so what is signed and what is sent cannot differ.
    public var signedHeaderFields: [(name: String, value: String)] {
        [("Content-Type", contentType), ("Host", host)]
    }
}

/// Every stage of one signature, so a failing vector or a user's `AuthFailure.SignatureFailure`
/// shows which stage differs.
public struct TC3Signature: Sendable, Equatable {
    public var date: String
    public var credentialScope: String
    public var hashedRequestPayload: String
    public var canonicalRequest: String
    public var hashedCanonicalRequest: String
    public var stringToSign: String
    public var signingKeyHex: String
    public var signature: String
    public var authorization: String
}

/// The first stage of a signature: `METHOD\n/\nQUERY\nname:value\n…\n\nnames\nHASH`, headers
/// sorted by their lower-case names, values used as given (a server normalises them first if
/// its rules say so).
public struct CanonicalRequest: Sendable, Equatable {
    public var text: String
    /// The lower-case names signed, sorted: `SignedHeaders` of the Authorization header.
    public var signedHeaders: [String]
    public var hashedPayload: String

    public init(method: String, query: String, headers: [(name: String, value: String)], hashedPayload: String) {
        let sorted = headers.sorted { $0.name < $1.name }
        signedHeaders = sorted.map(\.name)
        let lines = sorted.map { "\($0.name):\($0.value)\n" }.joined()
        text = "\(method)\n/\n\(query)\n\(lines)\n\(signedHeaders.joined(separator: ";"))\n\(hashedPayload)"
        self.hashedPayload = hashedPayload
    }
}

/// TC3-HMAC-SHA256 as a pure function: the timestamp is an argument, the date is derived from
/// it by arithmetic, nothing reads a clock. One function per stage of Tencent's "Signature v3".
public enum TC3Signer {
    public static let algorithm = "TC3-HMAC-SHA256"

    /// What a client signs: `POST /`, no query, `content-type` and `host`.
    public static func sign(_ credentials: Credentials, _ input: SigningInput, timestamp: Int64) -> TC3Signature {
        let canonical = CanonicalRequest(method: "POST", query: "",
                                         headers: input.signedHeaderFields.map { ($0.name.lowercased(), $0.value) },
                                         hashedPayload: SHA256.hexHash(input.payload))
        return sign(credentials, service: input.service, canonical, timestamp: timestamp)
    }

    /// The stages after the canonical request, for a server checking any request it was sent
    /// (another method, a query, other signed headers): it builds the `CanonicalRequest` itself.
    public static func sign(_ credentials: Credentials, service: String, _ canonical: CanonicalRequest,
                            timestamp: Int64) -> TC3Signature {
        let date = utcDate(timestamp)
        let scope = credentialScope(date: date, service: service)
        let canonicalHash = SHA256.hexHash(canonical.text)
        let toSign = stringToSign(timestamp: timestamp, scope: scope, hashedCanonicalRequest: canonicalHash)
        let key = signingKey(secretKey: credentials.secretKey, date: date, service: service)
        let signature = Hex.encode(HMACSHA256.mac(key: key, message: toSign))
        let authorization = TC3Authorization(secretId: credentials.secretId, date: date, service: service,
                                             signedHeaders: canonical.signedHeaders, signature: signature)
        return TC3Signature(
            date: date, credentialScope: scope, hashedRequestPayload: canonical.hashedPayload,
            canonicalRequest: canonical.text, hashedCanonicalRequest: canonicalHash, stringToSign: toSign,
            signingKeyHex: Hex.encode(key), signature: signature, authorization: authorization.header)
    }

    static func credentialScope(date: String, service: String) -> String {
        "\(date)/\(service)/tc3_request"
    }

    static func stringToSign(timestamp: Int64, scope: String, hashedCanonicalRequest: String) -> String {
        "\(algorithm)\n\(timestamp)\n\(scope)\n\(hashedCanonicalRequest)"
    }

    static func signingKey(secretKey: String, date: String, service: String) -> [UInt8] {
        let kDate = HMACSHA256.mac(key: Array(("TC3" + secretKey).utf8), message: date)
        let kService = HMACSHA256.mac(key: kDate, message: service)
        return HMACSHA256.mac(key: kService, message: "tc3_request")
    }

    /// `YYYY-MM-DD` of a Unix timestamp in UTC.
    public static func utcDate(_ timestamp: Int64) -> String {
        UTCDate.day(timestamp)
    }
}
