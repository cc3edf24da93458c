import Testing
import EKYCGate
import FastCGI

/// VerificationURL is followed by the browser, so only URLs whose host every parser reads
/// the same way may pass `verification_origin`. Each hostile case names what a browser would
/// make of it.
@Suite struct URLTests {
    static let production = OriginPattern("https://*.faceid.qq.com")!
    static let demo = OriginPattern("http://localhost:8081")!

    /// (URL, why it is hostile). None may match `https://*.faceid.qq.com`.
    static let hostile: [(String, String)] = [
        ("https://evil.example\\.faceid.qq.com/", "Chromium reads '\\' as '/': host evil.example"),
        ("https://evil.example\\@a.faceid.qq.com/", "backslash before userinfo"),
        ("https://a.faceid.qq.com/\\\\evil.example/", "backslash in the path"),
        ("https://a.faceid.qq.com@evil/", "userinfo: host evil"),
        ("https://a.faceid.qq.com@evil.example/reflect/", "userinfo: host evil.example"),
        ("https://a.faceid.qq.com:443@evil.example/", "userinfo with a port-like password"),
        ("https://evil%2efaceid.qq.com/", "percent-escaped dot, decoded by browsers"),
        ("https://evil.example%2f.faceid.qq.com/", "percent-escaped slash"),
        ("https://evil.example%5c.faceid.qq.com/", "percent-escaped backslash"),
        ("https://evil.example\t.faceid.qq.com/", "tab, dropped by browsers"),
        ("https://evil.example\n.faceid.qq.com/", "newline, dropped by browsers"),
        ("https://evil.example\r.faceid.qq.com/", "carriage return"),
        ("https://a.faceid.qq.com/\nSet-Cookie: x=1", "newline in the path"),
        ("https://a.faceid.qq.com/\u{0}", "NUL"),
        ("https://a.faceid.qq.com/\u{7f}", "DEL"),
        (" https://a.faceid.qq.com/", "leading space, stripped by browsers"),
        ("https://a.faceid.qq.com /", "space in the authority"),
        ("https://a.faceid.qq.com/ x", "space in the path"),
        ("https://evil\u{3002}faceid.qq.com/", "ideographic full stop, mapped to '.' by IDNA"),
        ("https://evil\u{FF0E}faceid.qq.com/", "fullwidth full stop"),
        ("https://evil\u{FF61}faceid.qq.com/", "halfwidth ideographic full stop"),
        ("https://\u{FF41}.faceid.qq.com/", "fullwidth letter"),
        ("https://a.faceid.qq.com\u{0085}/", "C1 control"),
        ("https://faceid.qq.com.evil.example/", "the pattern as a prefix"),
        ("https://evilfaceid.qq.com/", "suffix without the dot"),
        ("https://faceid.qq.com/", "the bare domain is not a subdomain"),
        ("https://A.FACEID.QQ.COM/", "upper-case host"),
        ("HTTPS://a.faceid.qq.com/", "upper-case scheme"),
        ("https://a.faceid.qq.com./", "trailing dot"),
        ("https://.faceid.qq.com/", "empty first label"),
        ("https://a..faceid.qq.com/", "doubled dot"),
        ("https://-a.faceid.qq.com/", "label starting with '-'"),
        ("https://a_b.faceid.qq.com/", "underscore"),
        ("https://[::1].faceid.qq.com/", "brackets"),
        ("http://a.faceid.qq.com/", "plain http"),
        ("https://a.faceid.qq.com:8443/", "another port"),
        ("https://a.faceid.qq.com:0443/", "leading zero in the port"),
        ("https://a.faceid.qq.com:99999/", "port out of range"),
        ("https://a.faceid.qq.com:/", "empty port"),
        ("https://a.faceid.qq.com:44x/", "port with a letter"),
        ("https://evil.example#.faceid.qq.com", "host ends at '#'"),
        ("https://evil.example?.faceid.qq.com", "host ends at '?'"),
        ("https://evil.example/.faceid.qq.com", "host ends at '/'"),
        ("https:/a.faceid.qq.com/", "one slash"),
        ("https:a.faceid.qq.com/", "no slashes"),
        ("//a.faceid.qq.com/", "scheme-relative"),
        ("javascript:alert(1)//a.faceid.qq.com", "another scheme"),
        ("https://", "nothing after the scheme"),
        ("", "empty"),
        ("https://" + String(repeating: "a", count: 64) + ".faceid.qq.com/", "label over 63 bytes"),
        ("https://" + String(repeating: "a.", count: 121) + "faceid.qq.com/", "host over 253 bytes"),
    ]

    @Test func hostileURLsNeverMatchTheProductionOrigin() {
        for (text, why) in Self.hostile {
            let url = AbsoluteURL(text)
            #expect(url.map(Self.production.matches) != true, "accepted: \(why): \(text.debugDescription)")
        }
    }

    @Test func hostileURLsAreRefusedByTheGrammarWithAReason() throws {
        // All but the ones that parse and then fail only by host, scheme or port.
        let wellFormed: Set<String> = [
            "https://faceid.qq.com.evil.example/", "https://evilfaceid.qq.com/", "https://faceid.qq.com/",
            "http://a.faceid.qq.com/", "https://a.faceid.qq.com:8443/", "https://evil.example#.faceid.qq.com",
            "https://evil.example?.faceid.qq.com", "https://evil.example/.faceid.qq.com",
        ]
        for (text, why) in Self.hostile where !wellFormed.contains(text) {
            #expect(throws: URLRefusal.self, "parsed: \(why): \(text.debugDescription)") { try AbsoluteURL(parsing: text) }
        }
    }

    @Test func reasonsNameTheRule() {
        func reason(_ text: String) -> String? {
            do { _ = try AbsoluteURL(parsing: text); return nil } catch { return error.reason }
        }
        #expect(reason("https://evil.example\\.faceid.qq.com/")?.contains("backslash") == true)
        #expect(reason("https://a.faceid.qq.com@evil/")?.contains("userinfo") == true)
        #expect(reason("https://evil%2efaceid.qq.com/")?.contains("'%'") == true)
        #expect(reason("https://a.faceid.qq.com./")?.contains("empty label") == true)
        #expect(reason("https://a.faceid.qq.com:0443/")?.contains("port") == true)
        #expect(reason("https://evil\u{3002}faceid.qq.com/")?.contains("non-ASCII") == true)
    }

    @Test(arguments: [
        "https://intl.faceid.qq.com/reflect/?token=81EEF678-28EE-4759-A82E-6CBBBE6BC442",
        "https://intl-test.faceid.qq.com/reflect/?token=81EEF678-28EE-4759-A82E-6CBBBE6BC442",
        "https://sg.faceid.qq.com/reflect/?token=X",
        "https://a.faceid.qq.com",
        "https://a.b.faceid.qq.com:443/x?y=%2F&z=a@b#frag",
    ])
    func tencentPagesMatch(_ text: String) throws {
        let url = try AbsoluteURL(parsing: text)
        #expect(Self.production.matches(url))
    }

    @Test func partsAreSplit() throws {
        let url = try AbsoluteURL(parsing: "https://intl.faceid.qq.com:8443/reflect/?token=T#f")
        #expect(url.scheme == "https" && url.host == "intl.faceid.qq.com" && url.port == 8443)
        #expect(url.rest == "/reflect/?token=T#f")
        #expect(try AbsoluteURL(parsing: "http://localhost").effectivePort == 80)
    }

    @Test func theDemoOriginIsExact() {
        #expect(AbsoluteURL("http://localhost:8081/reflect/?token=T").map(Self.demo.matches) == true)
        for text in ["https://localhost:8081/", "http://localhost/", "http://localhost:8082/", "http://localhost:8081@evil/",
                     "http://localhost.evil.example:8081/", "http://evil.localhost:8081/", "http://localhost:8081\\@evil/"] {
            #expect(AbsoluteURL(text).map(Self.demo.matches) != true, "accepted \(text)")
        }
    }

    @Test func originPatternsAreParsedStrictly() throws {
        #expect(try OriginPattern(parsing: "https://*.faceid.qq.com/") == Self.production)
        #expect(Self.production.description == "https://*.faceid.qq.com:443")
        #expect(OriginPattern("http://*.localhost:8081")?.wildcardSubdomain == true && Self.demo.wildcardSubdomain == false)
        // One wildcard label, right after the scheme, and nowhere else.
        #expect(OriginPattern("https://*.*.faceid.qq.com") == nil && OriginPattern("https://faceid.*.qq.com") == nil)
        for text in ["https://*.faceid.qq.com/reflect/", "https://*.FACEID.qq.com", "https://*.faceid.qq.com.",
                     "https://*.faceid.qq.com\\", "ftp://*.faceid.qq.com", "https://user@faceid.qq.com"] {
            #expect(OriginPattern(text) == nil, "accepted \(text)")
        }
    }

    @Test func startRefusesEveryHostileVerificationURLWithoutARedirect() throws {
        for (text, why) in Self.hostile {
            let api = FakeFaceID()
            let store = MemoryTokenStore()
            api.applyAnswer = .success(ApplyResponse(bizToken: Fixtures.token, verificationURL: text, requestId: "r"))
            let handler = StartHandler(config: try Fixtures.config(), api: api, store: store, clock: { 1_773_563_400 })
            let response = handler.handle(Fixtures.get("/ekyc/start"))
            #expect(response.status == 502, "\(why)")
            #expect(Fixtures.json(response)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "upstream_redirect_refused")
            #expect(Fixtures.header(response, "Location") == nil && Fixtures.header(response, "Set-Cookie") == nil)
            #expect(try store.load(token: Fixtures.token) == nil, "no token is kept for a refused page")
        }
    }
}
