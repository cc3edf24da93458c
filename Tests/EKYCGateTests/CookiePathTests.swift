import Testing
import FastCGI
import EKYCGate

@Suite struct CookiePathTests {
    let api = FakeFaceID()
    let store = MemoryTokenStore()

    func cookies(_ config: [String: String] = [:], at path: String) throws -> [String] {
        let response = StartHandler(config: try Fixtures.config(config), api: api, store: store, clock: { 1_773_563_400 })
            .handle(Fixtures.get(path))
        #expect(response.status == 303)
        return response.headers.filter { $0.name == "Set-Cookie" }.map(\.value)
    }

    @Test func unsetItIsTheDirectoryOfTheStartURL() throws {
        for (start, path) in [("/ekyc/start", "/ekyc"), ("/~alice/ekyc/start", "/~alice/ekyc"), ("/cgi-bin/ekyc-start", "/cgi-bin"),
                              ("/start", "/")] {
            let set = try cookies(at: start)
            #expect(set.count == 2)
            #expect(set.allSatisfy { $0.contains("; Path=\(path); ") }, "\(start): \(set)")
        }
    }

    @Test func aPathACookieCannotCarryGivesSlash() throws {
        for start in ["/ekyc;x=1/start", "/ek yc/start", "/é/start", "relative/start"] {
            #expect(try cookies(at: start).allSatisfy { $0.contains("; Path=/; ") }, "\(start)")
        }
    }

    @Test func configuredItIsUsedWherevertheStartIs() throws {
        let set = try cookies(["cookie_path": "/"], at: "/cgi-bin/ekyc-start")
        #expect(set.count == 2 && set.allSatisfy { $0.contains("; Path=/; ") })
    }

    @Test func aValueThatIsNoPathIsRefusedAtStartUp() {
        for value in ["ekyc", "/ekyc; Domain=evil.example", "/a b"] {
            #expect(throws: ConfigError.self) { try Fixtures.config(["cookie_path": value]) }
        }
    }

    @Test func coversIsRFC6265PathMatch() {
        #expect(CookiePath.covers("/ekyc", "/ekyc/callback"))
        #expect(CookiePath.covers("/ekyc", "/ekyc"))
        #expect(CookiePath.covers("/", "/cgi-bin/ekyc-callback"))
        #expect(CookiePath.covers("/ekyc/", "/ekyc/callback"))
        #expect(!CookiePath.covers("/ekyc", "/ekycx/callback"))
        #expect(!CookiePath.covers("/ekyc", "/cgi-bin/ekyc-callback"))
    }

    @Test func aCallbackWithoutAnySessionCookieNamesTheCookiesScope() throws {
        try store.save(TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: SessionID.hash(Fixtures.session(1)), extra: nil))
        let call = { (config: [String: String], cookie: String?) throws -> [String: Any] in
            let handler = CallbackHandler(config: try Fixtures.config(config), api: api, store: store, clock: { 2_000 })
            let refused = handler.handle(Fixtures.get("/cgi-bin/ekyc-callback", query: "token=\(Fixtures.token)", cookie: cookie))
            #expect(refused.status == 403)
            return Fixtures.json(refused)["error"] as? [String: Any] ?? [:]
        }
        let outside = try call(["cookie_path": "/ekyc"], "other=1")
        #expect(outside["code"] as? String == "no_session_cookie")
        #expect((outside["message"] as? String)?.contains("cookie_path = /ekyc does not cover /cgi-bin/ekyc-callback") == true)
        let derived = try call([:], nil)
        #expect(derived["code"] as? String == "no_session_cookie")
        #expect((derived["message"] as? String)?.contains("directory of the start URL") == true)
        let covered = try call(["cookie_path": "/"], nil)
        #expect((covered["message"] as? String)?.contains("blocked it or the start was on another host name") == true)
        // A cookie that is there but not this verification's is still the other session.
        let other = try call([:], "ekyc_session=" + Fixtures.session(2))
        #expect(other["code"] as? String == "session_mismatch")
        #expect(api.resultCalls == 0, "a refused request costs no API call")
    }
}
