import Foundation
import Testing
@testable import EKYCGate

/// The signing vectors made by Tencent's official SDK, checked stage by stage so a failure
/// names the stage that broke.
struct SigningVector: Decodable, CustomTestStringConvertible {
    struct Inputs: Decodable {
        var secret_id: String
        var secret_key: String
        var service: String
        var host: String
        var timestamp: Int64
        var content_type: String
        var payload: String
        var region: String?
        var action: String?
        var token: String?
    }
    struct Outputs: Decodable {
        var date: String
        var credential_scope: String
        var hashed_request_payload: String
        var canonical_request: String
        var hashed_canonical_request: String
        var string_to_sign: String
        var secret_signing_hex: String
        var signature: String
        var authorization: String
    }
    var id: String
    var inputs: Inputs
    var outputs: Outputs
    var sdk_headers_sent: [String: String]?
    var testDescription: String { id }

    /// The file read once; a read or decode error is kept, for `vectorsAreLoaded` to report.
    static let loaded: Result<[SigningVector], any Error> = Result {
        struct File: Decodable { var vectors: [SigningVector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tc3-signing.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }
    static var all: [SigningVector] { (try? loaded.get()) ?? [] }
}

@Suite struct TC3SignerTests {
    /// A broken vector file fails here instead of quietly running no vector; adding a vector
    /// is adding data, so only "at least one" is asserted.
    @Test func vectorsAreLoaded() throws {
        let vectors = try SigningVector.loaded.get()
        #expect(!vectors.isEmpty)
    }

    /// The client sends what the SDK sends (X-TC-Language included) and signs what it sends:
    /// for every faceid vector without a session token, each SDK header but the per-call
    /// TraceId and the client's name is sent with the same value, Authorization included.
    @Test(arguments: SigningVector.all.filter { $0.inputs.service == "faceid" && $0.inputs.content_type == "application/json" && $0.inputs.token == nil })
    func clientHeadersMatchTheSDK(_ vector: SigningVector) throws {
        let i = vector.inputs
        let sdk = try #require(vector.sdk_headers_sent)
        let sent = FaceIDClient.headers(action: try #require(i.action), endpoint: FaceIDEndpoint(host: i.host, region: i.region ?? ""),
                                        credentials: Credentials(secretId: i.secret_id, secretKey: i.secret_key),
                                        payload: Array(i.payload.utf8), timestamp: i.timestamp)
        let ours = Dictionary(sent, uniquingKeysWith: { a, _ in a })
        for (name, value) in sdk where name != "X-TC-TraceId" && name != "X-TC-RequestClient" {
            #expect(ours[name] == value, "\(name)")
        }
    }

    @Test(arguments: SigningVector.all)
    func vectorStageByStage(_ vector: SigningVector) {
        let i = vector.inputs
        let s = TC3Signer.sign(Credentials(secretId: i.secret_id, secretKey: i.secret_key),
                               SigningInput(service: i.service, host: i.host, contentType: i.content_type, payload: Array(i.payload.utf8)),
                               timestamp: i.timestamp)
        let o = vector.outputs
        #expect(s.date == o.date, "date")
        #expect(s.credentialScope == o.credential_scope, "credential scope")
        #expect(s.hashedRequestPayload == o.hashed_request_payload, "hashed payload")
        #expect(s.canonicalRequest == o.canonical_request, "canonical request")
        #expect(s.hashedCanonicalRequest == o.hashed_canonical_request, "hashed canonical request")
        #expect(s.stringToSign == o.string_to_sign, "string to sign")
        #expect(s.signingKeyHex == o.secret_signing_hex, "signing key")
        #expect(s.signature == o.signature, "signature")
        #expect(s.authorization == o.authorization, "authorization")
    }

    /// Tencent's published worked example (Signature v3 page).
    @Test func documentedExample() {
        let payload = #"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#
        let s = TC3Signer.sign(Credentials(secretId: "AKID**********************0123456789EXAMPLE", secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"),
                               SigningInput(service: "cvm", host: "cvm.tencentcloudapi.com",
                                            contentType: "application/json; charset=utf-8", payload: Array(payload.utf8)),
                               timestamp: 1_551_113_065)
        #expect(s.hashedRequestPayload == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
        #expect(s.canonicalRequest == "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
        #expect(s.hashedCanonicalRequest == "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
        #expect(s.stringToSign == "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
        #expect(s.signature == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01"), (951_782_400, "2000-02-29"), (1_551_113_065, "2019-02-25"),
        (1_773_563_400, "2026-03-15"), (4_102_444_799, "2099-12-31"), (-1, "1969-12-31"),
    ])
    func utcDate(_ timestamp: Int64, _ expected: String) {
        #expect(TC3Signer.utcDate(timestamp) == expected)
    }

    @Test func signCommandPrintsEveryStage() throws {
        let arguments = try Arguments(["--secret-id", "AKIDx", "--timestamp", "1773563400"], options: SignCommand.options)
        let text = try SignCommand.render(arguments: arguments, payload: Array("{}".utf8), secretKey: "k")
        for stage in ["CanonicalRequest", "StringToSign", "Signature:", "Authorization: TC3-HMAC-SHA256 Credential=AKIDx/2026-03-15/faceid/tc3_request"] {
            #expect(text.contains(stage))
        }
    }
}
