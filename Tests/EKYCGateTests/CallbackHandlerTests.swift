import Foundation
import Testing
import FastCGI
import EKYCGate
import HTTPClient

@Suite struct CallbackHandlerTests {
    let api = FakeFaceID()
    let store = MemoryTokenStore()
    let session = Fixtures.session(0xcd)
    var cookie: String { "ekyc_session=\(session)" }

    init() throws {
        try store.save(TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: SessionID.hash(session), extra: "order-42"))
    }

    func handler(now: Int64 = 2_000) throws -> CallbackHandler {
        CallbackHandler(config: try Fixtures.config(), api: api, store: store, clock: { now })
    }

    func call(_ query: String = "token=\(Fixtures.token)", cookie: String? = nil, now: Int64 = 2_000) throws -> HTTPResponse {
        try handler(now: now).handle(Fixtures.get("/ekyc/callback", query: query, cookie: cookie))
    }

    @Test func pendingWhileErrorCodeIsNull() throws {
        let response = try call(cookie: cookie)
        #expect(response.status == 202)
        #expect(Fixtures.header(response, "Retry-After") == "3", "pending_recheck: asking sooner gets the same answer")
        let body = Fixtures.json(response)
        #expect(body["status"] as? String == "pending")
        #expect(body["errorCode"] is NSNull)
        #expect(body["extra"] as? String == "order-42")
    }

    @Test func passedIsStoredAndLaterAnsweredFromTheStore() throws {
        api.resultAnswer = .success(GetResultResponse(
            errorCode: 0, errorMsg: "Success", verificationDetailList: [VerificationDetail(
                errorCode: 0, errorMsg: "Success", livenessErrorCode: 0, compareErrorCode: 0,
                reqTimestamp: 1_789_473_304_325, similarity: 93.5, seq: "11a370d4")],
            videoBase64: "AAAA", bestFrameBase64: "/9j/", requestId: "req-final"))
        let first = try call(cookie: cookie)
        #expect(first.status == 200)
        let body = Fixtures.json(first)
        #expect(body["status"] as? String == "passed")
        #expect(body["errorCode"] as? Int == 0)
        #expect(body["requestId"] as? String == "req-final")
        let attempt = try #require((body["attempts"] as? [[String: Any]])?.first)
        #expect(attempt["similarity"] as? Double == 93.5)
        #expect(attempt["at"] as? String == "2026-09-15T11:55:04Z")
        let text = String(decoding: first.body, as: UTF8.self)
        #expect(!text.contains("AAAA") && !text.contains("/9j/"), "no face image or video by default")

        let again = try call(cookie: cookie)
        #expect(again.status == 200)
        #expect(api.resultCalls == 1, "a final result is answered from the store")
    }

    /// Every per-attempt field Tencent gives reaches the answer, also once read from the store.
    @Test func attemptsCarryTheMessagesAndLivenessTags() throws {
        api.resultAnswer = .success(GetResultResponse(
            errorCode: 1005, errorMsg: "Liveness detection failed", verificationDetailList: [VerificationDetail(
                errorCode: 1005, errorMsg: "Liveness detection failed", livenessErrorCode: 1005, livenessErrorMsg: "Liveness detection failed",
                compareErrorCode: nil, compareErrorMsg: nil, similarity: 0, seq: "s", livenessInfoTag: ["03", "08"])],
            requestId: "r"))
        for _ in 0..<2 {
            let attempt = try #require((Fixtures.json(try call(cookie: cookie))["attempts"] as? [[String: Any]])?.first)
            #expect(attempt["livenessErrorMsg"] as? String == "Liveness detection failed")
            #expect(attempt["livenessInfoTag"] as? [String] == ["03", "08"])
            #expect(attempt["compareErrorMsg"] is NSNull)
        }
        #expect(api.resultCalls == 1)
    }

    @Test func failedCarriesAReason() throws {
        api.resultAnswer = .success(GetResultResponse(errorCode: 1410, errorMsg: "User exited", requestId: "r"))
        let body = Fixtures.json(try call(cookie: cookie))
        #expect(body["status"] as? String == "failed")
        #expect(body["reason"] as? String == "user_exit")
        #expect(body["errorCode"] as? Int == 1410)
    }

    @Test(arguments: [(Int64(1005), "liveness"), (2016, "comparison"), (2012, "comparison"), (1409, "timeout"), (15, "expired"), (4, "system")])
    func reasons(_ code: Int64, _ reason: String) {
        #expect(ResultReason.of(errorCode: code).rawValue == reason)
    }

    @Test func anotherSessionIsForbidden() throws {
        #expect(try call(cookie: "ekyc_session=" + Fixtures.session(0xef)).status == 403)
        #expect(try call(cookie: nil).status == 403)
        #expect(api.resultCalls == 0)
    }

    @Test func unknownTokenIs404() throws {
        #expect(try call("token=00000000-0000-0000-0000-000000000000", cookie: cookie).status == 404)
    }

    @Test(arguments: ["", "token=", "token=../../etc/passwd", "token=%2e%2e%2f", "token=abc", "token=%00AAAAAAAAAAAAAAAAAAAA", "token=%zz"])
    func malformedTokenIs400(_ query: String) throws {
        #expect(try call(query, cookie: cookie).status == 400)
    }

    @Test func expiredTokenFromTheAPI() throws {
        api.resultAnswer = .failure(.api(code: "InvalidParameterValue.BizTokenExpired", message: "expired", requestId: "r"))
        let response = try call(cookie: cookie)
        #expect(response.status == 410)
        #expect(Fixtures.json(response)["status"] as? String == "expired")
        // Tencent's RequestId is what its support asks for: kept in the answer and the store.
        #expect(Fixtures.json(response)["requestId"] as? String == "r")
        #expect(try store.load(token: Fixtures.token)?.result?.requestId == "r")
    }

    @Test func pastRetentionIsExpiredWithoutCallingTheAPI() throws {
        let response = try call(cookie: cookie, now: 1_000 + TokenRecord.retentionSeconds + 1)
        #expect(response.status == 410)
        #expect(api.resultCalls == 0)
    }

    @Test func upstreamTimeoutIs504() throws {
        api.resultAnswer = .failure(.transport(.init(kind: .timeout, code: 28, message: "Timeout", requestNotSent: false)))
        #expect(try call(cookie: cookie).status == 504)
    }
}

@Suite struct RequestIdTests {
    @Test func errorsBeforeAnyAPICallCarryTheWebServersRequestId() throws {
        let handler = CallbackHandler(config: try Fixtures.config(), api: FakeFaceID(), store: MemoryTokenStore())
        var request = Fixtures.get("/ekyc/callback", query: "token=bad")
        request.params["REQUEST_ID"] = "5f2b8c1e9a7d4e3f"
        let response = handler.handle(request)
        #expect(response.status == 400)
        let error = try #require(Fixtures.json(response)["error"] as? [String: Any])
        #expect(error["requestId"] as? String == "5f2b8c1e9a7d4e3f")
        #expect(error["code"] as? String == "bad_token")
    }
}

/// The merchant's backend reads results with a request signed over the token, without the
/// browser's cookie; face images only when `expose_media` is on.
@Suite struct BackendResultTests {
    let api = FakeFaceID()
    let store = MemoryTokenStore()
    let key = String(repeating: "k", count: 40)
    let now: Int64 = 2_000

    init() throws {
        try store.save(TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: SessionID.hash(Fixtures.session(0xcd)), extra: nil))
        api.resultAnswer = .success(GetResultResponse(errorCode: 0, errorMsg: "Success", videoBase64: "AAAAIGZ0eXA=",
                                                      bestFrameBase64: "/9j/4AAQ", requestId: "r"))
    }

    func call(_ settings: [String: String] = [:], exp: Int64? = nil, sig: String? = nil) throws -> HTTPResponse {
        let config = try Fixtures.config(["link_key": key, "require_signed_link": "false"].merging(settings) { $1 })
        let expires = exp ?? now + 60
        let signature = sig ?? SignedLink.signature(.resultRead, key: key, subject: Fixtures.token, exp: expires)
        return CallbackHandler(config: config, api: api, store: store, clock: { self.now })
            .handle(Fixtures.get("/ekyc/callback", query: "token=\(Fixtures.token)&exp=\(expires)&sig=\(signature)"))
    }

    @Test func signedRequestNeedsNoCookie() throws {
        let response = try call()
        #expect(response.status == 200)
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(!text.contains("/9j/4AAQ"), "media stays out unless expose_media is on")
    }

    @Test func mediaForTheBackendWhenEnabled() throws {
        let first = Fixtures.json(try call(["expose_media": "true"]))
        #expect(first["bestFrameBase64"] as? String == "/9j/4AAQ")
        #expect(first["videoBase64"] as? String == "AAAAIGZ0eXA=")
        // Media are never stored: a second backend read asks the API again.
        let second = Fixtures.json(try call(["expose_media": "true"]))
        #expect(second["bestFrameBase64"] as? String == "/9j/4AAQ")
        #expect(api.resultCalls == 2)
    }

    @Test func badOrExpiredSignatureIs403() throws {
        #expect(try call(sig: String(repeating: "0", count: 64)).status == 403)
        #expect(try call(exp: now - 1).status == 403)
        #expect(api.resultCalls == 0)
    }
}

@Suite struct FinalResultCacheTests {
    /// Counts reads, to show which answers the cache gave.
    final class CountingStore: TokenStore, @unchecked Sendable {
        let inner = MemoryTokenStore()
        var loads = 0
        func save(_ record: TokenRecord) throws(StoreError) { try inner.save(record) }
        func load(token: String) throws(StoreError) -> TokenRecord? { loads += 1; return try inner.load(token: token) }
        func create(_ record: TokenRecord) throws(StoreError) -> Bool { try inner.create(record) }
        func sweep(now: Int64) throws(StoreError) -> Int { 0 }
        func remove(token: String) throws(StoreError) { try inner.remove(token: token) }
    }

    @Test func aFinalResultIsAnsweredFromMemoryAfterwards() throws {
        let session = Fixtures.session(0xcd)
        let store = CountingStore()
        try store.save(TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: SessionID.hash(session), extra: nil))
        let api = FakeFaceID()
        api.resultAnswer = .success(GetResultResponse(errorCode: 0, errorMsg: "Success", requestId: "r"))
        let handler = CallbackHandler(config: try Fixtures.config(), api: api, store: store, finals: FinalResultCache(), clock: { 2_000 })
        let request = Fixtures.get("/ekyc/callback", query: "token=\(Fixtures.token)", cookie: "ekyc_session=\(session)")
        #expect(handler.handle(request).status == 200)
        // One read of the pending record, one of the final record as stored (a racing reader's
        // first write would stand, and both would serve it).
        #expect(store.loads == 2 && api.resultCalls == 1)
        for _ in 0..<3 { #expect(handler.handle(request).status == 200) }
        #expect(store.loads == 2 && api.resultCalls == 1, "answered from memory: no read, no API call")
        let stranger = Fixtures.get("/ekyc/callback", query: "token=\(Fixtures.token)", cookie: "ekyc_session=" + Fixtures.session(0xef))
        #expect(handler.handle(stranger).status == 403, "the session check still applies")
    }

    @Test func boundedOldestFirst() {
        let cache = FinalResultCache(capacity: 2)
        for index in 0..<3 {
            var record = TokenRecord(token: "TOKEN-\(index)-AAAAAAAAAAAA", created: 1, sessionHash: "", extra: nil)
            record.status = .passed
            cache.keep(record)
        }
        #expect(cache.record("TOKEN-0-AAAAAAAAAAAA") == nil)
        #expect(cache.record("TOKEN-2-AAAAAAAAAAAA") != nil)
        var pending = TokenRecord(token: "TOKEN-P-AAAAAAAAAAAA", created: 1, sessionHash: "", extra: nil)
        pending.status = .pending
        cache.keep(pending)
        #expect(cache.record("TOKEN-P-AAAAAAAAAAAA") == nil, "only final records are kept")
    }
}
