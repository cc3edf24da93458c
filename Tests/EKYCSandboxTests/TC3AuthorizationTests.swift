import EKYCGate
import Testing

@Suite struct TC3AuthorizationTests {
    let signature = "a6a43e0972aad5383bf4e55a3f37fe5337bb2ee3076b3644f26e0024feea3d09"

    @Test func parsesTheSDKHeader() throws {
        let header = "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=\(signature)"
        let parsed = try TC3Authorization(parsing: header)
        #expect(parsed == TC3Authorization(secretId: "AKIDEXAMPLEekyc0000000000000000000001", date: "2026-03-15",
                                           service: "faceid", signedHeaders: ["content-type", "host"], signature: signature))
    }

    @Test func acceptsMoreSignedHeadersAndNoSpaces() throws {
        let parsed = try TC3Authorization(parsing: "TC3-HMAC-SHA256 Credential=ID/2019-02-25/cvm/tc3_request,SignedHeaders=content-type;host;x-tc-action,Signature=\(signature)")
        #expect(parsed.signedHeaders == ["content-type", "host", "x-tc-action"])
        #expect(parsed.service == "cvm")
    }

    @Test(arguments: [
        ("", TC3Authorization.ParseError.notTC3),
        ("AWS4-HMAC-SHA256 Credential=x", .notTC3),
        ("TC3-HMAC-SHA256 SignedHeaders=content-type;host, Signature=SIG", .missingPart("Credential")),
        ("TC3-HMAC-SHA256 Credential=ID/2026-03-15/faceid/tc3_request, Signature=SIG", .missingPart("SignedHeaders")),
        ("TC3-HMAC-SHA256 Credential=ID/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host", .missingPart("Signature")),
        ("TC3-HMAC-SHA256 Credential=ID/2026-3-15/faceid/tc3_request, SignedHeaders=host, Signature=SIG", .badCredential),
        ("TC3-HMAC-SHA256 Credential=ID/2026-03-15/faceid, SignedHeaders=host, Signature=SIG", .badCredential),
        ("TC3-HMAC-SHA256 Credential=/2026-03-15/faceid/tc3_request, SignedHeaders=host, Signature=SIG", .badCredential),
        ("TC3-HMAC-SHA256 Credential=ID/2026-03-15/faceid/tc3_request, SignedHeaders=Content-Type;host, Signature=SIG", .badSignedHeaders),
        ("TC3-HMAC-SHA256 Credential=ID/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;;host, Signature=SIG", .badSignedHeaders),
        ("TC3-HMAC-SHA256 Credential=ID/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=abc", .badSignature),
    ])
    func rejectsMalformedHeaders(header: String, expected: TC3Authorization.ParseError) {
        let header = header.replacingSIG(with: signature)
        #expect(throws: expected) { try TC3Authorization(parsing: header) }
    }

    @Test func rejectsUpperCaseSignature() {
        #expect(throws: TC3Authorization.ParseError.badSignature) {
            try TC3Authorization(parsing: "TC3-HMAC-SHA256 Credential=ID/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=\(signature.uppercased())")
        }
    }
}

extension String {
    fileprivate func replacingSIG(with signature: String) -> String {
        guard hasSuffix("=SIG") else { return self }
        return String(dropLast(3)) + signature
    }
}
