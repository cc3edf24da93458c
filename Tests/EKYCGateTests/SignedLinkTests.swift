import Testing
import FastCGI
import EKYCGate

@Suite struct SignedLinkTests {
    let key = String(repeating: "k", count: 40)
    let now: Int64 = 1_773_563_400
    let api = FakeFaceID()

    func handler(_ extra: [String: String] = [:]) throws -> StartHandler {
        StartHandler(config: try Fixtures.config(["link_key": key].merging(extra) { $1 }), api: api, store: MemoryTokenStore(), clock: { self.now })
    }

    func link(ref: String, exp: Int64, sig: String? = nil) -> String {
        let signature = sig ?? SignedLink.signature(.startLink, key: key, subject: ref, exp: exp)
        return "ref=\(FormEncoding.encode(ref))&exp=\(exp)&sig=\(signature)"
    }

    /// The same value the README's shell example computes:
    /// printf 'start-link\n%s\n%s' "order-42" 1773567000 | openssl dgst -sha256 -hmac "$KEY"
    @Test func signatureIsHMACOfPurposeRefAndExp() {
        #expect(SignedLink.signature(.startLink, key: key, subject: "order-42", exp: 1_773_567_000)
                == "0b4ccd9b97e7e3c4651892f46fd29607e75159ddce0b10b1d665fb296db6d9c7")
        #expect(SignedLink.message(.startLink, subject: "order-42", exp: 1_773_567_000) == "start-link\norder-42\n1773567000")
        #expect(SignedLink.message(.resultRead, subject: "T", exp: 1) == "result-read\nT\n1")
    }

    @Test func aStartLinkSignatureIsNotAResultReadSignature() {
        let sig = SignedLink.signature(.startLink, key: key, subject: Fixtures.token, exp: now + 60)
        #expect(SignedLink.verify(.resultRead, subject: Fixtures.token, exp: String(now + 60), sig: sig, key: key, now: now, maxLifetime: 86_400)
                == .invalid("the link's signature does not match"))
        #expect(SignedLink.verify(.startLink, subject: Fixtures.token, exp: String(now + 60), sig: sig, key: key, now: now, maxLifetime: 86_400)
                == .valid(ref: Fixtures.token))
    }

    /// `exp = PHP_INT_MAX` ("never expires") once crashed the handler (`exp + 60` overflowed).
    @Test(arguments: [Int64.max, Int64.max - 59, Int64.max - 1, 1_773_563_400 + 86_401, 1_773_563_400 + 10 * 86_400] as [Int64])
    func linksValidTooLongAre403NotACrash(exp: Int64) throws {
        let variants: [[String: String]] = [[:], ["single_use_links": "true"]]
        for settings in variants {
            let response = try handler(settings).handle(Fixtures.get("/ekyc/start", query: link(ref: "order-42", exp: exp)))
            #expect(response.status == 403)
            #expect((Fixtures.json(response)["error"] as? [String: Any])?["code"] as? String == "link_lifetime")
        }
        #expect(api.applied.isEmpty)
    }

    @Test func theLifetimeBoundIsConfigurable() throws {
        let query = link(ref: "order-42", exp: now + 3 * 86_400)
        #expect(try handler().handle(Fixtures.get("/ekyc/start", query: query)).status == 403)
        #expect(try handler(["max_link_lifetime": "7d"]).handle(Fixtures.get("/ekyc/start", query: query)).status == 303)
    }

    @Test func validLinkPutsRefInExtra() throws {
        let response = try handler().handle(Fixtures.get("/ekyc/start", query: link(ref: "order 42/ü", exp: now + 300)))
        #expect(response.status == 303)
        #expect(api.applied.first?.extra == "order 42/ü")
    }

    @Test func forgedModifiedOrExpiredLinksAre403() throws {
        let good = link(ref: "order-42", exp: now + 300)
        let cases = [
            link(ref: "order-42", exp: now + 300, sig: String(repeating: "0", count: 64)),
            good.replacingOccurrences("order-42", "order-43"),
            good.replacingOccurrences("exp=\(now + 300)", "exp=\(now + 3000)"),
            link(ref: "order-42", exp: now - 1),
            "ref=order-42&exp=\(now + 300)",
        ]
        for query in cases {
            let response = try handler().handle(Fixtures.get("/ekyc/start", query: query))
            #expect(response.status == 403, "\(query)")
        }
        #expect(api.applied.isEmpty)
    }

    @Test func linkIsRequiredOnceAKeyIsSet() throws {
        #expect(try handler().handle(Fixtures.get("/ekyc/start")).status == 403)
        #expect(try handler(["require_signed_link": "false"]).handle(Fixtures.get("/ekyc/start")).status == 303)
    }

    @Test func shortKeysAreRefusedAtStartUp() {
        #expect(throws: ConfigError.self) { try Fixtures.config(["link_key": "short"]) }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

@Suite struct SingleUseLinkTests {
    let key = String(repeating: "k", count: 40)
    let now: Int64 = 1_773_563_400
    let api = FakeFaceID()
    let store = MemoryTokenStore()

    func start(_ query: String, cookie: String? = nil) throws -> HTTPResponse {
        let config = try Fixtures.config(["link_key": key, "single_use_links": "true"])
        return StartHandler(config: config, api: api, store: store, clock: { self.now })
            .handle(Fixtures.get("/ekyc/start", query: query, cookie: cookie))
    }

    func link(_ ref: String) -> String {
        "ref=\(ref)&exp=\(now + 600)&sig=\(SignedLink.signature(.startLink, key: key, subject: ref, exp: now + 600))"
    }

    /// The cookies a browser sends back after a start: the session and the pending token.
    func cookies(_ response: HTTPResponse) -> String {
        response.headers.filter { $0.name == "Set-Cookie" }.map { String($0.value.split(separator: ";")[0]) }.joined(separator: "; ")
    }

    @Test func aLinkStartsOneVerificationEver() throws {
        let first = try start(link("order-9"))
        #expect(first.status == 303)
        let again = try start(link("order-9"), cookie: cookies(first))
        #expect(again.status == 303, "the same browser goes back to its pending verification")
        #expect(Fixtures.header(again, "Location") == Fixtures.header(first, "Location"))
        let elsewhere = try start(link("order-9"))
        #expect(elsewhere.status == 403, "another browser (or a replay without cookies) is refused")
        #expect((Fixtures.json(elsewhere)["error"] as? [String: Any])?["code"] as? String == "link_used")
        var record = try #require(try store.load(token: Fixtures.token))
        record.status = .passed
        try store.save(record)
        #expect(try start(link("order-9"), cookie: cookies(first)).status == 403, "a completed verification is not resumed")
        #expect(api.applied.count == 1, "one Apply for the link, whatever happened after")
        #expect(try start(link("order-10")).status == 303, "another link is another start")
    }

    @Test func aFailedApplyReleasesTheLink() throws {
        api.applyAnswer = .failure(.api(code: "InternalError", message: "oops", requestId: "r"))
        #expect(try start(link("order-11")).status == 503)
        api.applyAnswer = FakeFaceID().applyAnswer
        #expect(try start(link("order-11")).status == 303)
    }
}
