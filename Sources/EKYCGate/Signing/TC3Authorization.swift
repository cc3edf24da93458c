/// The `Authorization` header of a TC3-HMAC-SHA256 request, taken apart:
/// `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=content-type;host, Signature=HEX`.
/// Written (`header`) by the signer and read (`init(parsing:)`) by a server, in this one place;
/// checking the signature is the server's job.
public struct TC3Authorization: Sendable, Equatable {
    public var secretId: String
    /// `YYYY-MM-DD` from the credential scope.
    public var date: String
    public var service: String
    /// Lower-case header names in the order given (`["content-type", "host"]`).
    public var signedHeaders: [String]
    /// 64 lower-case hex digits.
    public var signature: String

    /// Why a header is not a usable TC3 authorization, for the error message.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case notTC3
        case missingPart(String)
        case badCredential
        case badSignedHeaders
        case badSignature

        public var description: String {
            switch self {
            case .notTC3: "the Authorization header does not start with TC3-HMAC-SHA256"
            case .missingPart(let name): "the Authorization header has no \(name)="
            case .badCredential: "Credential must be SecretId/YYYY-MM-DD/service/tc3_request"
            case .badSignedHeaders: "SignedHeaders must list lower-case header names separated by ';'"
            case .badSignature: "Signature must be 64 lower-case hex digits"
            }
        }
    }

    public init(secretId: String, date: String, service: String, signedHeaders: [String], signature: String) {
        self.secretId = secretId
        self.date = date
        self.service = service
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    /// The header's text, as Tencent's SDKs write it.
    public var header: String {
        "\(TC3Signer.algorithm) Credential=\(secretId)/\(date)/\(service)/tc3_request, SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
    }

    public init(parsing header: String) throws(ParseError) {
        let prefix = TC3Signer.algorithm + " "
        guard header.hasPrefix(prefix) else { throw .notTC3 }
        var parts: [String: String] = [:]
        for item in header.dropFirst(prefix.count).split(separator: ",") {
            let item = item.trimmed()
            guard let eq = item.firstIndex(of: "=") else { continue }
            parts[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        guard let credential = parts["Credential"] else { throw .missingPart("Credential") }
        guard let signed = parts["SignedHeaders"] else { throw .missingPart("SignedHeaders") }
        guard let signature = parts["Signature"] else { throw .missingPart("Signature") }

        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 4, !scope[0].isEmpty, Self.isDate(scope[1]), !scope[2].isEmpty,
              scope[3] == "tc3_request" else { throw .badCredential }

        let names = signed.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard names.allSatisfy({ !$0.isEmpty && $0 == $0.lowercased() && !$0.contains(" ") }) else {
            throw .badSignedHeaders
        }
        guard signature.utf8.count == 64,
              signature.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw .badSignature
        }
        self.init(secretId: scope[0], date: scope[1], service: scope[2], signedHeaders: names, signature: signature)
    }

    private static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in index == 4 || index == 7 || (48...57).contains(byte) }
    }
}
