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

/// TC3-HMAC-SHA256 as a pure function: the timestamp is an argument, the date is derived from
/// it by arithmetic, nothing reads a clock. One function per stage of Tencent's "Signature v3".
public enum TC3Signer {
    public static let algorithm = "TC3-HMAC-SHA256"
    public static let signedHeaders = "content-type;host"

    public static func sign(_ credentials: Credentials, _ input: SigningInput, timestamp: Int64) -> TC3Signature {
        let date = utcDate(timestamp)
        let scope = credentialScope(date: date, service: input.service)
        let payloadHash = SHA256.hexHash(input.payload)
        let canonical = canonicalRequest(contentType: input.contentType, host: input.host, hashedPayload: payloadHash)
        let canonicalHash = SHA256.hexHash(canonical)
        let toSign = stringToSign(timestamp: timestamp, scope: scope, hashedCanonicalRequest: canonicalHash)
        let key = signingKey(secretKey: credentials.secretKey, date: date, service: input.service)
        let signature = Hex.encode(HMACSHA256.mac(key: key, message: toSign))
        return TC3Signature(
            date: date, credentialScope: scope, hashedRequestPayload: payloadHash,
            canonicalRequest: canonical, hashedCanonicalRequest: canonicalHash, stringToSign: toSign,
            signingKeyHex: Hex.encode(key), signature: signature,
            authorization: authorization(secretId: credentials.secretId, scope: scope, signature: signature))
    }

    static func canonicalRequest(contentType: String, host: String, hashedPayload: String) -> String {
        "POST\n/\n\ncontent-type:\(contentType)\nhost:\(host)\n\n\(signedHeaders)\n\(hashedPayload)"
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

    static func authorization(secretId: String, scope: String, signature: String) -> String {
        "\(algorithm) Credential=\(secretId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// `YYYY-MM-DD` of a Unix timestamp in UTC (Howard Hinnant's civil-from-days).
    public static func utcDate(_ timestamp: Int64) -> String {
        let days = timestamp >= 0 ? timestamp / 86_400 : (timestamp - 86_399) / 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
