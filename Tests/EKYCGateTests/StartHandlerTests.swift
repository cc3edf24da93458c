import Foundation
import Testing
import FastCGI
import EKYCGate
import HTTPClient

@Suite struct StartHandlerTests {
    let api = FakeFaceID()
    let store = MemoryTokenStore()

    func handler(_ config: [String: String] = [:]) throws -> StartHandler {
        StartHandler(config: try Fixtures.config(config), api: api, store: store, clock: { 1_773_563_400 })
    }

    @Test func getRedirectsWithSessionCookieAfterStoring() throws {
        let response = try handler().handle(Fixtures.get("/ekyc/start"))
        #expect(response.status == 303)
        #expect(Fixtures.header(response, "Location") == "https://intl.faceid.qq.com/reflect/?token=\(Fixtures.token)")
        #expect(Fixtures.header(response, "Cache-Control") == "no-store")
        let cookie = try #require(Fixtures.header(response, "Set-Cookie"))
        #expect(cookie.hasPrefix("ekyc_session="))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/ekyc") && cookie.contains("Secure"))
        let record = try #require(try store.load(token: Fixtures.token))
        #expect(record.status == .pending)
        #expect(record.startBy == 1_773_563_400 + 600)
        #expect(api.applied.first?.redirectURL == "https://shop.example.com/ekyc/done")
    }

    @Test func insecureCookieOnlyWhenConfigured() throws {
        let response = try handler(["cookie_secure": "false"]).handle(Fixtures.get("/ekyc/start"))
        #expect(Fixtures.header(response, "Set-Cookie")?.contains("Secure") == false)
    }

    @Test func existingSessionIsKept() throws {
        let session = Fixtures.session(0xab)
        let response = try handler().handle(Fixtures.get("/ekyc/start", cookie: "ekyc_session=\(session)"))
        #expect(Fixtures.sessionCookie(response) == "ekyc_session=\(session)")
    }

    @Test func jsonForMerchantBackends() throws {
        let response = try handler().handle(Fixtures.get("/ekyc/start", accept: "application/json"))
        #expect(response.status == 200)
        let body = Fixtures.json(response)
        #expect(body["bizToken"] as? String == Fixtures.token)
        #expect((body["verificationURL"] as? String)?.hasPrefix("https://intl.faceid.qq.com/") == true)
    }

    @Test func pageOptionsAreSentAsConfig() throws {
        _ = try handler(["check_mode": "3", "language": "zh-cn", "auto_skip": "true"]).handle(Fixtures.get("/ekyc/start"))
        let config = try #require(api.applied.first?.config)
        #expect(config.checkMode == 3 && config.language == "zh-cn" && config.autoSkip == true)
    }

    @Test func unsignedExtraIsRefusedUnlessAllowed() throws {
        let refused = try handler().handle(Fixtures.get("/ekyc/start", query: "extra=order-1"))
        #expect(refused.status == 403)
        #expect(api.applied.isEmpty)
        let allowed = try handler(["allow_unsigned_extra": "true"]).handle(Fixtures.get("/ekyc/start", query: "extra=order-1"))
        #expect(allowed.status == 303)
        #expect(api.applied.first?.extra == "order-1")
    }

    @Test func extraOver1000CharactersIsRefused() throws {
        let response = try handler(["allow_unsigned_extra": "true"]).handle(Fixtures.get("/ekyc/start", query: "extra=" + String(repeating: "x", count: 1001)))
        #expect(response.status == 400)
    }

    /// Tencent's 1000 characters counted in UTF-16 units (ExtraLimit): 👍🏽 is one grapheme but 4 units.
    @Test func extraIsCountedAsTencentCounts() throws {
        let thumbs = "\u{1F44D}\u{1F3FD}"
        let allowed = try handler(["allow_unsigned_extra": "true"])
        let fits = String(repeating: thumbs, count: 250), over = fits + "x"
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        #expect(allowed.handle(Fixtures.get("/ekyc/start", query: "extra=" + encode(fits))).status == 303)
        #expect(allowed.handle(Fixtures.get("/ekyc/start", query: "extra=" + encode(over))).status == 400)
    }

    @Test func verificationURLOnAnotherHostIsRefused() throws {
        api.applyAnswer = .success(ApplyResponse(bizToken: Fixtures.token, verificationURL: "https://evil.example.com/?token=x", requestId: "r"))
        let response = try handler().handle(Fixtures.get("/ekyc/start"))
        #expect(response.status == 502)
        #expect(try store.load(token: Fixtures.token) == nil)
    }

    @Test func storeFailureSendsNoRedirect() throws {
        struct BrokenStore: TokenStore {
            func save(_ record: TokenRecord) throws(StoreError) { throw StoreError(call: "write", path: "/x", errno: 28, detail: "No space left on device") }
            func load(token: String) throws(StoreError) -> TokenRecord? { nil }
            func create(_ record: TokenRecord) throws(StoreError) -> Bool { try save(record); return true }
            func sweep(now: Int64) throws(StoreError) -> Int { 0 }
            func remove(token: String) throws(StoreError) {}
        }
        let response = StartHandler(config: try Fixtures.config(), api: api, store: BrokenStore()).handle(Fixtures.get("/ekyc/start"))
        #expect(response.status == 503)
        #expect(Fixtures.header(response, "Location") == nil)
        #expect(!String(decoding: response.body, as: UTF8.self).contains(Fixtures.token))
    }

    @Test(arguments: [
        (FaceIDError.api(code: "RequestLimitExceeded", message: "slow down", requestId: "r1"), 429),
        (FaceIDError.api(code: "AuthFailure.SignatureFailure", message: "bad", requestId: "r2"), 502),
        (FaceIDError.api(code: "InternalError", message: "oops", requestId: "r3"), 503),
        (FaceIDError.transport(.init(kind: .timeout, code: 28, message: "Timeout was reached", requestNotSent: false)), 504),
        (FaceIDError.transport(.init(kind: .network, code: 7, message: "Couldn't connect", requestNotSent: true)), 502),
        (FaceIDError.malformed("not JSON"), 502),
        (FaceIDError.httpStatus(500, bodyStart: ""), 502),
    ])
    func upstreamErrorsBecomeJSONErrors(_ error: FaceIDError, _ status: Int) throws {
        api.applyAnswer = .failure(error)
        let response = try handler().handle(Fixtures.get("/ekyc/start"))
        #expect(response.status == status)
        let body = try #require(Fixtures.json(response)["error"] as? [String: Any])
        #expect(body["code"] is String && body["message"] is String)
        if status == 429 || status == 503 { #expect(Fixtures.header(response, "Retry-After") != nil) }
        if case .api(let code, _, let requestId) = error {
            #expect((body["message"] as? String)?.contains(code) == true)
            #expect(body["requestId"] as? String == requestId)
        }
    }

    @Test func multipartImageIsSentAsBase64() throws {
        let boundary = "----form1234"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"me.txt\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += Fixtures.jpeg
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let response = try handler().handle(Fixtures.post("/ekyc/start", contentType: "multipart/form-data; boundary=\(boundary)", body: body))
        #expect(response.status == 303)
        #expect(api.applied.first?.compareImageBase64 == Data(Fixtures.jpeg).base64EncodedString())
    }

    @Test func nonImageUploadIsRefusedByContent() throws {
        let boundary = "b"
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"me.jpg\"\r\n\r\nGIF89a....\r\n--b--\r\n".utf8)
        let response = try handler().handle(Fixtures.post("/ekyc/start", contentType: "multipart/form-data; boundary=\(boundary)", body: body))
        #expect(response.status == 415)
        #expect(api.applied.isEmpty)
    }

    @Test func jsonBodyWithDataURL() throws {
        let encoded = Data(Fixtures.png).base64EncodedString()
        let body = Array(#"{"compareImageBase64": "data:image/png;base64,\#(encoded)"}"#.utf8)
        let response = try handler().handle(Fixtures.post("/ekyc/start", contentType: "application/json", body: body))
        #expect(response.status == 303)
        #expect(api.applied.first?.compareImageBase64 == encoded)
    }

    @Test func oversizedBodyIs413() throws {
        let request = HTTPRequest(params: ["REQUEST_METHOD": "POST", "CONTENT_TYPE": "multipart/form-data; boundary=b", "CONTENT_LENGTH": "9999999999"], bodyOmitted: true)
        #expect(try handler().handle(request).status == 413)
    }

    @Test func otherMethodsAre405() throws {
        let request = HTTPRequest(params: ["REQUEST_METHOD": "DELETE"])
        #expect(try handler().handle(request).status == 405)
    }
}

/// The base64 of a JSON or form upload is sent from the request body's own bytes when it
/// stands there as is, and decoded otherwise; either way Tencent gets the same value.
@Suite struct UploadedBase64Tests {
    let api = FakeFaceID()

    func send(_ body: String, contentType: String = "application/json") throws -> ReferenceImage? {
        let handler = StartHandler(config: try Fixtures.config(), api: api, store: MemoryTokenStore())
        #expect(handler.handle(Fixtures.post("/ekyc/start", contentType: contentType, body: Array(body.utf8))).status == 303)
        return api.applied.last?.compareImage
    }

    @Test func unescapedJSONIsSentFromTheBody() throws {
        let encoded = Data(Fixtures.jpeg + Array(repeating: 0xFF, count: 90)).base64EncodedString()
        let image = try send(#"{"extra": "", "compareImageBase64": "\#(encoded)"}"#)
        guard case .base64Bytes(let bytes)? = image else { Issue.record("expected a slice, got \(String(describing: image))"); return }
        #expect(String(decoding: bytes, as: UTF8.self) == encoded)
    }

    @Test func escapedSlashesAreDecoded() throws {
        let encoded = Data(Fixtures.jpeg + Array(repeating: 0xFF, count: 90)).base64EncodedString()
        #expect(encoded.contains("/"))
        let escaped = encoded.replacingOccurrences("/", "\\/")
        let image = try send(#"{"compareImageBase64": "\#(escaped)"}"#)
        #expect(image?.base64 == encoded)
        guard case .base64? = image else { Issue.record("expected the decoded string"); return }
    }

    @Test func formValueIsSentFromTheBody() throws {
        let encoded = Data(Fixtures.png).base64EncodedString().replacingOccurrences("+", "")
        let image = try send("compareImageBase64=\(encoded)&extra=", contentType: "application/x-www-form-urlencoded")
        #expect(image?.base64 == encoded)
    }
}
