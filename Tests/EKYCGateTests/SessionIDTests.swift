import Testing
import FastCGI
import EKYCCrypto
import EKYCGate

/// Only session ids the server issued are accepted (no session fixation), and the store's
/// binding cannot be turned back into a cookie.
@Suite struct SessionIDTests {
    /// Fixtures.config()'s secret_key is "key". Computed independently:
    /// hmac.new(b"key", b"ekyc-gate session-id", sha256), then that key over "cd" * 32.
    static let key = Hex.decode("39909d6647fdca9ab25407363520b1eadd86becb47c44cd8f08bb8c80c8341be")!
    static let id = String(repeating: "cd", count: 32)
    static let cookie = id + ".bbaaada1ad4b0a35db3bccae95dd4c784eae4c771afc5028cfccb1e6748aebd4"

    @Test func keyAndCookieFollowTheDocumentedDerivation() throws {
        #expect(SessionID.key(secret: "key") == Self.key)
        #expect(try Fixtures.config().sessionKey == Self.key)
        #expect(SessionID.make(random: Array(repeating: 0xcd, count: 32), key: Self.key) == Self.cookie)
        #expect(Fixtures.session(0xcd) == Self.cookie)
        #expect(SessionID.isValid(Self.cookie, key: Self.key))
        #expect(SessionID.hash(Self.cookie) == SHA256.hexHash(Self.id), "the store keeps the hash of the random part only")
    }

    @Test func issuedSessionsVerifyAndDiffer() throws {
        let first = try SessionID.make(key: Self.key), second = try SessionID.make(key: Self.key)
        #expect(first != second)
        #expect(first.utf8.count == 129)
        #expect(SessionID.isValid(first, key: Self.key))
        #expect(!SessionID.isValid(first, key: SessionID.key(secret: "another secret")))
    }

    static let flippedMAC = String(Self.cookie.dropLast()) + (Self.cookie.hasSuffix("0") ? "1" : "0")

    /// (cookie value, what it is). None names a session.
    static let refused: [(String, String)] = [
        ("", "empty"),
        (id, "a self-made 64-hex id, the form every cookie had before"),
        (String(repeating: "0", count: 64), "all zeros"),
        (flippedMAC, "MAC with its last digit changed"),
        (String(repeating: "ce", count: 32) + String(cookie.dropFirst(64)), "another id under this id's MAC"),
        (cookie.uppercased(), "upper-case hex"),
        (id + ":" + String(cookie.dropFirst(65)), "another separator"),
        (id + String(cookie.dropFirst(65)), "no separator"),
        (cookie + "0", "one digit more"),
        (String(cookie.dropLast()), "one digit less"),
        (" " + String(cookie.dropLast()), "leading space"),
        (String(cookie.dropLast(64)) + String(repeating: "g", count: 64), "MAC not hex"),
        (String(cookie.prefix(32)) + "." + String(cookie.dropFirst(33)), "a dot inside the id"),
    ]

    @Test func onlyIssuedValuesNameASession() {
        for (value, what) in Self.refused {
            #expect(!SessionID.isValid(value, key: Self.key), "accepted: \(what)")
            #expect(!SessionID.matches(value, hash: SHA256.hexHash(Self.id), key: Self.key), "matched: \(what)")
        }
        #expect(!SessionID.matches(nil, hash: SHA256.hexHash(Self.id), key: Self.key), "no cookie")
    }

    @Test func matchesOnlyItsOwnBinding() throws {
        let hash = SessionID.hash(Self.cookie)
        #expect(SessionID.matches(Self.cookie, hash: hash, key: Self.key))
        #expect(SessionID.matches(Self.cookie, hash: hash.uppercased(), key: Self.key), "hex case of the stored hash is not a secret")
        #expect(!SessionID.matches(Self.cookie, hash: SHA256.hexHash(Self.cookie), key: Self.key), "the hash is of the random part")
        #expect(!SessionID.matches(Self.cookie, hash: SessionID.hash(try SessionID.make(key: Self.key)), key: Self.key))
        #expect(!SessionID.matches(Self.cookie, hash: "", key: Self.key))
        // A record made before MACs (hash of a bare 64-hex value) is not opened by that value.
        #expect(!SessionID.matches(Self.id, hash: SHA256.hexHash(Self.id), key: Self.key))
    }

    // MARK: the handlers

    let api = FakeFaceID()
    let store = MemoryTokenStore()

    func start(cookie: String?) throws -> (value: String, header: String) {
        let handler = StartHandler(config: try Fixtures.config(), api: api, store: store, clock: { 1_773_563_400 })
        let response = handler.handle(Fixtures.get("/ekyc/start", cookie: cookie.map { "ekyc_session=" + $0 }))
        #expect(response.status == 303)
        let header = try #require(Fixtures.header(response, "Set-Cookie"))
        let value = try #require(Fixtures.sessionCookie(response)?.split(separator: "=", maxSplits: 1).last.map(String.init))
        return (value, header)
    }

    @Test func startReplacesASelfMadeIdWithAnIssuedOne() throws {
        for (value, what) in [(nil, "no cookie")] + Self.refused.map({ (Optional($0.0), $0.1) }) {
            let issued = try start(cookie: value).value
            #expect(issued != value, "kept: \(what)")
            #expect(SessionID.isValid(issued, key: Self.key), "not issued here: \(what)")
        }
        #expect(try start(cookie: Self.cookie).value == Self.cookie, "an issued session is kept")
    }

    @Test func cookieLivesAsLongAsTheResults() throws {
        let header = try start(cookie: nil).header
        #expect(header.contains("; Max-Age=259200;"))
        #expect(Cookies.sessionMaxAge == TokenRecord.retentionSeconds)
    }

    @Test func callbackRefusesATamperedMAC() throws {
        try store.save(TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: SessionID.hash(Self.cookie), extra: nil))
        let handler = CallbackHandler(config: try Fixtures.config(), api: api, store: store, clock: { 2_000 })
        let call = { (value: String) in
            handler.handle(Fixtures.get("/ekyc/callback", query: "token=\(Fixtures.token)", cookie: "ekyc_session=" + value))
        }
        #expect(call(Self.cookie).status == 202)
        for value in [Self.flippedMAC, Self.id] {
            let refused = call(value)
            #expect(refused.status == 403)
            #expect((Fixtures.json(refused)["error"] as? [String: Any])?["code"] as? String == "session_mismatch")
        }
        #expect(api.resultCalls == 1, "a refused session costs no API call")
    }
}
