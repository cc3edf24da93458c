import EKYCGate
import FastCGI
import Testing
@testable import EKYCSandbox

@Suite struct AuthenticationTests {
    /// A broken vector file fails here instead of quietly checking no vector.
    @Test func vectorsAreLoaded() throws {
        #expect(!(try loadedTC3Vectors.get()).isEmpty)
    }

    /// The exact requests Tencent's SDK sent, received at the time they were signed: accepted.
    @Test(arguments: tc3Vectors)
    func acceptsEveryOfficialSDKVector(_ vector: TC3Vector) throws {
        let (sandbox, _) = makeSandbox(credentials: Credentials(secretId: vector.secretId, secretKey: vector.secretKey))
        let sent = request(headers: vector.headers, body: Array(vector.payload.utf8))
        let response = sandbox.handle(sent, now: Double(vector.timestamp))
        #expect(response.status == 200)
        #expect(header(response, "Content-Type") == "application/json")
        let code = try errorCode(response)
        // Signature accepted; Get of the SDK's example token is then simply unknown to this sandbox,
        // and an Apply without a photo is refused for CheckMode 2 (the default).
        let noPhoto = code == "InvalidParameterValue" && text(response).contains("CompareImageBase64")
        #expect(code == nil || code == "InvalidParameterValue.BizTokenIllegal" || code == "MissingParameter" || noPhoto,
                "\(vector.id): \(text(response))")
    }

    @Test func verifiesAgainstTheReceivedHostWithPort() throws {
        let (sandbox, _) = makeSandbox()
        let response = sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl", #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL":"https://a.example/"}"#), now: testNow)
        #expect(try errorCode(response) == nil)
    }

    @Test func missingAuthorization() throws {
        let (sandbox, _) = makeSandbox()
        var sent = apiRequest("GetWebVerificationResultIntl", "{}")
        sent.params["HTTP_AUTHORIZATION"] = nil
        #expect(try errorCode(sandbox.handle(sent, now: testNow)) == "AuthFailure.InvalidAuthorization")
    }

    @Test func malformedAuthorization() throws {
        let (sandbox, _) = makeSandbox()
        var sent = apiRequest("GetWebVerificationResultIntl", "{}")
        sent.params["HTTP_AUTHORIZATION"] = "Bearer abc"
        #expect(try errorCode(sandbox.handle(sent, now: testNow)) == "AuthFailure.InvalidAuthorization")
    }

    @Test func unknownSecretId() throws {
        let (sandbox, _) = makeSandbox()
        let other = Credentials(secretId: "AKIDsomeoneelse", secretKey: testCredentials.secretKey)
        let response = sandbox.handle(apiRequest("GetWebVerificationResultIntl", "{}", credentials: other), now: testNow)
        #expect(try errorCode(response) == "AuthFailure.SecretIdNotFound")
    }

    @Test func wrongKeyIsASignatureFailureWithTencentsMessage() throws {
        let (sandbox, _) = makeSandbox()
        let wrong = Credentials(secretId: testCredentials.secretId, secretKey: "not-the-key")
        let response = sandbox.handle(apiRequest("GetWebVerificationResultIntl", "{}", credentials: wrong), now: testNow)
        #expect(try errorCode(response) == "AuthFailure.SignatureFailure")
        #expect(string(try responseObject(response)["Error"]?["Message"])
                == "The provided credentials could not be validated. Please check your signature is correct.")
    }

    @Test func bodyChangedAfterSigning() throws {
        let (sandbox, _) = makeSandbox()
        var sent = apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"A"}"#)
        sent.body = Array(#"{"BizToken":"B"}"#.utf8)
        #expect(try errorCode(sandbox.handle(sent, now: testNow)) == "AuthFailure.SignatureFailure")
    }

    /// Host and Content-Type are compared exactly as received: no port stripping, no charset folding.
    @Test func signedHostOrContentTypeDiffersFromReceived() throws {
        let (sandbox, _) = makeSandbox()
        var otherHost = apiRequest("GetWebVerificationResultIntl", "{}")
        otherHost.params["HTTP_HOST"] = "localhost"
        #expect(try errorCode(sandbox.handle(otherHost, now: testNow)) == "AuthFailure.SignatureFailure")
        var otherType = apiRequest("GetWebVerificationResultIntl", "{}")
        otherType.params["CONTENT_TYPE"] = "application/json; charset=utf-8"
        #expect(try errorCode(sandbox.handle(otherType, now: testNow)) == "AuthFailure.SignatureFailure")
    }

    @Test(arguments: [(0, true), (300, true), (-300, true), (301, false), (-301, false)])
    func clockSkewBoundary(skew: Int64, accepted: Bool) throws {
        let (sandbox, _) = makeSandbox()
        let response = sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"X"}"#,
                                                 timestamp: Int64(testNow) + skew), now: testNow)
        let code = try errorCode(response)
        if accepted { #expect(code == "InvalidParameterValue.BizTokenIllegal") } else { #expect(code == "AuthFailure.SignatureExpire") }
    }

    @Test func unknownActionAndVersion() throws {
        let (sandbox, _) = makeSandbox()
        #expect(try errorCode(sandbox.handle(apiRequest("DescribeInstances", "{}"), now: testNow)) == "InvalidAction")
        let old = apiRequest("GetWebVerificationResultIntl", "{}", extraHeaders: ["X-TC-Version": "2017-03-12"])
        #expect(try errorCode(sandbox.handle(old, now: testNow)) == "NoSuchVersion")
    }

    @Test func everyAnswerIsHTTP200JSONWithALowerCaseRequestId() throws {
        let (sandbox, _) = makeSandbox()
        var sent = apiRequest("GetWebVerificationResultIntl", "{}")
        sent.params["HTTP_AUTHORIZATION"] = nil
        let response = sandbox.handle(sent, now: testNow)
        #expect(response.status == 200)
        #expect(header(response, "Content-Type") == "application/json")
        let id = try #require(string(try responseObject(response)["RequestId"]))
        #expect(id.count == 36 && id == id.lowercased())
    }

    /// The signature spec allows signing more headers than the SDKs do.
    @Test func acceptsExtraSignedHeaders() throws {
        let (sandbox, _) = makeSandbox()
        var sent = apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"X"}"#)
        let authenticator = RequestAuthenticator(credentials: testCredentials)
        let names = ["content-type", "host", "x-tc-action"]
        let signature = try #require(authenticator.expectedSignature(sent, signedHeaders: names, timestamp: Int64(testNow)))
        sent.params["HTTP_AUTHORIZATION"] = "TC3-HMAC-SHA256 Credential=\(testCredentials.secretId)/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=\(signature)"
        #expect(try errorCode(sandbox.handle(sent, now: testNow)) == "InvalidParameterValue.BizTokenIllegal")
    }

    @Test func rateLimitPerActionPerSecond() throws {
        let (sandbox, _) = makeSandbox(rateLimit: true)
        var codes: [String?] = []
        for _ in 0..<21 {
            codes.append(try errorCode(sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"X"}"#), now: testNow)))
        }
        #expect(codes.prefix(20).allSatisfy { $0 == "InvalidParameterValue.BizTokenIllegal" })
        #expect(codes.last == "RequestLimitExceeded")
        // Another action has its own budget; the next second starts afresh.
        #expect(try errorCode(sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl", #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL":"https://a.example/"}"#), now: testNow)) == nil)
        #expect(try errorCode(sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"X"}"#, timestamp: Int64(testNow) + 1), now: testNow + 1)) == "InvalidParameterValue.BizTokenIllegal")
    }
}

@Suite struct AuthenticationEdgeTests {
    /// With `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` the SDK signs the literal string, not the body.
    @Test func unsignedPayload() throws {
        let (sandbox, _) = makeSandbox()
        let body = Array(#"{"BizToken":"X"}"#.utf8)
        let signature = TC3Signer.sign(testCredentials, SigningInput(service: "faceid", host: testHost, payload: Array("UNSIGNED-PAYLOAD".utf8)),
                                       timestamp: Int64(testNow))
        let sent = request(headers: [
            "Content-Type": "application/json", "Host": testHost, "X-TC-Action": "GetWebVerificationResultIntl",
            "X-TC-Timestamp": String(Int64(testNow)), "X-TC-Version": "2018-03-01", "X-TC-Content-SHA256": "UNSIGNED-PAYLOAD",
            "Authorization": signature.authorization,
        ], body: body)
        #expect(try errorCode(sandbox.handle(sent, now: testNow)) == "InvalidParameterValue.BizTokenIllegal")
    }

    @Test func oversizedBodyIsAnAPIError() throws {
        let (sandbox, _) = makeSandbox()
        var sent = apiRequest("ApplyWebVerificationBizTokenIntl", "{}")
        sent.body = []
        sent.bodyOmitted = true
        let response = sandbox.handle(sent, now: testNow)
        #expect(response.status == 200)
        #expect(try errorCode(response) == "InvalidParameter")
    }

    @Test func missingTimestamp() throws {
        let (sandbox, _) = makeSandbox()
        var sent = apiRequest("GetWebVerificationResultIntl", "{}")
        sent.params["HTTP_X_TC_TIMESTAMP"] = nil
        #expect(try errorCode(sandbox.handle(sent, now: testNow)) == "InvalidParameter")
    }
}
