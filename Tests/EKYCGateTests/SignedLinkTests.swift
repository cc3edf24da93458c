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
        let signature = sig ?? SignedLink.signature(key: key, ref: ref, exp: exp)
        return "ref=\(FormEncoding.encode(ref))&exp=\(exp)&sig=\(signature)"
    }

    /// The same value the README's shell example computes:
    /// printf '%s\n%s' "order-42" 1773567000 | openssl dgst -sha256 -hmac "$KEY"
    @Test func signatureIsHMACOfRefNewlineExp() {
        #expect(SignedLink.signature(key: key, ref: "order-42", exp: 1_773_567_000)
                == "1f28775483c79e4023cb6d4216809ac82811d083f07b4701093e218194bdd8a1")
        #expect(SignedLink.message(ref: "order-42", exp: 1_773_567_000) == "order-42\n1773567000")
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

    func start(_ query: String) throws -> HTTPResponse {
        let config = try Fixtures.config(["link_key": key, "single_use_links": "true"])
        return StartHandler(config: config, api: api, store: store, clock: { self.now }).handle(Fixtures.get("/ekyc/start", query: query))
    }

    @Test func aLinkStartsAgainWhilePendingButNotAfterCompletion() throws {
        let exp = now + 600
        let link = "ref=order-9&exp=\(exp)&sig=\(SignedLink.signature(key: key, ref: "order-9", exp: exp))"
        #expect(try start(link).status == 303)
        #expect(try start(link).status == 303, "the user closed the page; the same link may start again")
        var record = try #require(try store.load(token: Fixtures.token))
        record.status = .passed
        try store.save(record)
        let reused = try start(link)
        #expect(reused.status == 403)
        #expect((Fixtures.json(reused)["error"] as? [String: Any])?["code"] as? String == "link_used")
        let other = "ref=order-10&exp=\(exp)&sig=\(SignedLink.signature(key: key, ref: "order-10", exp: exp))"
        #expect(try start(other).status == 303, "another link is another start")
    }
}
