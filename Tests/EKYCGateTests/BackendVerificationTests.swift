import Foundation
import Testing
import FastCGI
@testable import EKYCGate

/// Verifications the merchant's backend owns: created by a signed request, handed to one
/// browser, read by id without a cookie.
@Suite struct BackendVerificationTests {
    let key = String(repeating: "k", count: 40)
    let now: Int64 = 1_773_563_400
    let api = FakeFaceID()
    let store = MemoryTokenStore()
    let limiter = MemoryRateLimiter()

    func handler(_ settings: [String: String] = [:]) throws -> StartHandler {
        StartHandler(config: try Fixtures.config(["link_key": key].merging(settings) { $1 }), api: api, store: store,
                     limiter: limiter, clock: { self.now }, milliseconds: { self.now * 1000 })
    }

    func create(_ json: String, signedAt: Int64? = nil, signature: String? = nil, key signingKey: String? = nil) throws -> HTTPResponse {
        let body = Array(json.utf8)
        var request = Fixtures.post("/ekyc/verifications", contentType: "application/json", body: body)
        request.params[BackendSignature.header.httpParam] = signature ?? BackendSignature.sign(
            key: signingKey ?? key, method: "POST", path: "/ekyc/verifications", timestamp: signedAt ?? now, body: body)
        return try handler().handle(request)
    }

    func code(_ response: HTTPResponse) -> String? { (Fixtures.json(response)["error"] as? [String: Any])?["code"] as? String }

    static let photo = Data(Fixtures.jpeg + Array(repeating: 0, count: 64)).base64EncodedString()

    @Test func aSignedCreateWithAPhotoAppliesOnceAndAnswersTheHandoff() throws {
        let response = try create(#"{"ref": "user-42", "compareImageBase64": "\#(Self.photo)", "config": {"language": "th"}}"#)
        #expect(response.status == 201)
        let body = Fixtures.json(response)
        #expect(body["id"] as? String == Fixtures.token)
        #expect(body["expiresAt"] as? Int == Int(now + 600 - 30))
        let handoff = try #require(body["handoffURL"] as? String)
        #expect(handoff.hasPrefix("https://shop.example.com/ekyc/start?handoff=\(Fixtures.token)&exp="))
        let applied = try #require(api.applied.first)
        #expect(applied.extra == "user-42" && applied.compareImage != nil)
        #expect(applied.config?.checkMode == 2, "a photo means liveness and comparison")
        #expect(applied.config?.language == "th")
        #expect(try store.load(token: Fixtures.token)?.sessionHash == "", "bound to no browser until the handoff")
    }

    @Test func unsignedForgedOrStaleCreatesAreRefused() throws {
        #expect(code(try create(#"{"ref": "a"}"#, signature: "")) == "bad_signature")
        #expect(code(try create(#"{"ref": "a"}"#, key: String(repeating: "x", count: 40))) == "bad_signature")
        #expect(code(try create(#"{"ref": "a"}"#, signedAt: now - 301)) == "bad_signature")
        var unsigned = Fixtures.post("/ekyc/verifications", contentType: "application/json", body: Array(#"{"ref": "a"}"#.utf8))
        unsigned.params["HTTP_X"] = "y"
        #expect(code(try handler().handle(unsigned)) == "signature_required")
        // A start link's signature is not a backend request's.
        let link = SignedLink.signature(.startLink, key: key, subject: "a", exp: now + 60)
        #expect(code(try create(#"{"ref": "a"}"#, signature: "t=\(now),v1=\(link)")) == "bad_signature")
        #expect(api.applied.isEmpty)
    }

    @Test func aRetriedRequestCreatesNothingNew() throws {
        let json = #"{"ref": "user-7"}"#
        let signature = BackendSignature.sign(key: key, method: "POST", path: "/ekyc/verifications", timestamp: now, body: Array(json.utf8))
        let first = try create(json, signature: signature)
        let again = try create(json, signature: signature)
        #expect(first.status == 201 && again.status == 200)
        #expect(Fixtures.json(again)["id"] as? String == Fixtures.json(first)["id"] as? String)
        #expect(Fixtures.header(again, "Idempotent-Replayed") == "true")
        #expect(api.applied.count == 1)
    }

    @Test func badRequestsSayWhatToFix() throws {
        #expect(code(try create(#"{"ref": "a", "config": {"check_mode": 2}}"#)) == "photo_required")
        #expect(code(try create(#"{"ref": "a", "config": {"disable_check_ocr_warnings": true}}"#)) == "bad_config")
        #expect(code(try create(#"{"ref": "a", "config": {"language": "xx"}}"#)) == "bad_config")
        #expect(code(try create(#"{"compareImageBase64": "\#(Self.photo)"}"#)) == "ref_required")
        #expect(code(try create(#"{"ref": "a", "compareImageBase64": "aGVsbG8="}"#)) == "bad_image")
        #expect(code(try create(#"{"ref": "a", "photo": "x"}"#)) == "bad_field")
        #expect(api.applied.isEmpty)
        #expect(try create(#"{"ref": "a"}"#).status == 201, "a failed request released its signature? a new one works")
    }

    func open(_ url: String, cookie: String? = nil) throws -> HTTPResponse {
        let query = String(url.split(separator: "?", maxSplits: 1)[1])
        return try handler().handle(Fixtures.get("/ekyc/start", query: query, cookie: cookie))
    }

    func cookies(_ response: HTTPResponse) -> String {
        response.headers.filter { $0.name == "Set-Cookie" }.map { String($0.value.split(separator: ";")[0]) }.joined(separator: "; ")
    }

    @Test func theHandoffBindsOneBrowserOnce() throws {
        let handoff = try #require(Fixtures.json(try create(#"{"ref": "user-9"}"#))["handoffURL"] as? String)
        let first = try open(handoff)
        #expect(first.status == 303 && Fixtures.header(first, "Location") == api.applyAnswer.value?.verificationURL)
        let bound = try #require(try store.load(token: Fixtures.token))
        let sessionCookie = try #require(Fixtures.sessionCookie(first))
        #expect(SessionID.matches(String(sessionCookie.dropFirst("ekyc_session=".count)), hash: bound.sessionHash, key: try Fixtures.config().sessionKey))
        #expect(try open(handoff, cookie: cookies(first)).status == 303, "the same browser may open it again while pending")
        let other = try open(handoff)
        #expect(other.status == 403 && code(other) == "link_used", "any other browser is refused")
        var tampered = handoff
        tampered.removeLast()
        tampered.append(handoff.hasSuffix("0") ? "1" : "0")
        #expect(try open(tampered).status == 403)
        #expect(api.applied.count == 1)
    }

    @Test func theResultIsReadByIdWithoutACookie() throws {
        _ = try create(#"{"ref": "user-5"}"#)
        let ms = ManualClock(now * 1000)
        func read(signed: Bool) throws -> HTTPResponse {
            var request = Fixtures.get("/ekyc/verifications/\(Fixtures.token)")
            if signed {
                request.params[BackendSignature.header.httpParam] = BackendSignature.sign(
                    key: key, method: "GET", path: "/ekyc/verifications/\(Fixtures.token)", timestamp: now, body: [])
            }
            return CallbackHandler(config: try Fixtures.config(["link_key": key]), api: api, store: store, limiter: limiter,
                                   clock: { self.now }, milliseconds: { ms.now }).handle(request)
        }
        #expect(try read(signed: true).status == 202)
        #expect(code(try read(signed: false)) == "signature_required")
        api.resultAnswer = .success(GetResultResponse(errorCode: 0, errorMsg: "Success", requestId: "r"))
        ms.advance(3_000)
        let passed = try read(signed: true)
        #expect(passed.status == 200 && Fixtures.json(passed)["extra"] as? String == "user-5")
    }

    @Test func browserPhotosAreRefusedOnceALinkKeyIsSet() throws {
        let form = "extra=&compareImageBase64=" + FormEncoding.encode(Self.photo)
        func post(_ settings: [String: String]) throws -> HTTPResponse {
            let exp = now + 60
            let query = "ref=r&exp=\(exp)&sig=\(SignedLink.signature(.startLink, key: key, subject: "r", exp: exp))"
            var request = Fixtures.post("/ekyc/start", contentType: "application/x-www-form-urlencoded", body: Array(form.utf8))
            request.params["QUERY_STRING"] = query
            return try handler(settings).handle(request)
        }
        let refused = try post([:])
        #expect(refused.status == 403 && code(refused) == "browser_image_refused")
        #expect(try post(["browser_images": "allow"]).status == 303)
        #expect(throws: ConfigError.self) { try Fixtures.config(["browser_images": "sometimes"]) }
    }
}

extension String {
    /// The FastCGI parameter nginx passes a request header as.
    var httpParam: String { "HTTP_" + uppercased().replacingOccurrences("-", "_") }
}

extension Result {
    var value: Success? { try? get() }
}

@Suite struct BackendSignatureTests {
    /// The value docs/snippets/backend-request.{py,php,js,sh} print for the same inputs.
    @Test func theSnippetsVector() {
        #expect(BackendSignature.sign(key: String(repeating: "k", count: 40), method: "POST", path: "/ekyc/verifications",
                                      timestamp: 1_773_563_400, body: Array(#"{"ref":"x"}"#.utf8))
                == "t=1773563400,v1=f7d13d36bfc620e685efcdb1158a31724cbf58fbbe51d531d37e2d82b8dbcd63")
    }
}
