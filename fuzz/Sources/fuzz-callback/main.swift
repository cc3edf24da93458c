import EKYCGate
import FuzzSupport

// Input: the query string and the Cookie header of a callback request. The store holds one
// pending and one passed token of the fuzz session; the API says "still pending".
let config = Fixtures.config(unsignedExtra: false, linkKey: Fixtures.linkKey, requireLink: false)
let passedToken = "584D404C-F1C3-401C-961E-78C6EF90BDDB"

let store: MemoryTokenStore = {
    let store = MemoryTokenStore()
    let session = SessionID.hash(Fixtures.session)
    try? store.save(TokenRecord(token: Fixtures.token, created: Fixtures.now - 60, sessionHash: session, extra: "order-42"))
    var passed = TokenRecord(token: passedToken, created: Fixtures.now - 120, sessionHash: session, extra: nil)
    passed.status = .passed
    passed.result = StoredResult(errorCode: 0, errorMsg: "Success", reason: nil, attempts: [], requestId: "req-1", completed: Fixtures.now - 30)
    try? store.save(passed)
    return store
}()

Fuzzer.run { bytes in
    let (lines, _) = fields(bytes, count: 2)
    let query = lines[0]
    let cookie = lines[1].isEmpty ? nil : lines[1]
    for method in ["GET", "POST"] {
        let handler = CallbackHandler(config: config, api: ScriptedFaceID(), store: store, clock: { Fixtures.now })
        let response = handler.handle(Fixtures.request(method: method, query: query, cookie: cookie))
        requireWellFormed(response)
        if method == "POST" { require(response.status == 405, "POST answered \(response.status)") }
        guard response.status < 300 else { continue }
        // Only the session that started the flow, or a backend with a signed request, sees a result.
        let token = FormEncoding.value("token", in: query)
        require(token == Fixtures.token || token == passedToken, "a result for token \(token ?? "nil")")
        let signed = FormEncoding.value("sig", in: query) != nil
        require(signed || Cookies.value("ekyc_session", in: cookie) == Fixtures.session, "a result without the session cookie or a signature")
        if signed, let token, let exp = FormEncoding.value("exp", in: query), let expires = Int64(exp) {
            require(FormEncoding.value("sig", in: query)?.lowercased() == SignedLink.signature(key: Fixtures.linkKey, ref: token, exp: expires),
                    "a result for a wrong signature")
        }
    }
}
