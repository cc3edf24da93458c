#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EKYCGate
import FuzzSupport

// Input: an API answer body. Decoded as both actions' answers; what decodes is then handed to
// the handler that would receive it, whose answer must stay well-formed JSON.
let startConfig = Fixtures.config(unsignedExtra: true, linkKey: nil, requireLink: false)

Fuzzer.run { body in
    let isAPIError = (try? JSONDecoder().decode(ErrorProbe.self, from: Data(body)))?.Response.Error != nil

    switch Result(catching: { () throws(FaceIDError) in try FaceIDResponseDecoder.decode(ApplyResponse.self, status: 200, contentType: "application/json", body: body) }) {
    case .success(let answer):
        require(!isAPIError, "an answer with Response.Error decoded as a success")
        let api = ScriptedFaceID(applyAnswer: .success(answer))
        let response = StartHandler(config: startConfig, api: api, store: MemoryTokenStore(), clock: { Fixtures.now })
            .handle(Fixtures.request(method: "GET", query: "", cookie: nil))
        requireWellFormed(response)
        if response.status == 303 {
            require(TokenFormat.isValid(answer.bizToken), "redirected with token \(answer.bizToken.debugDescription)")
            let location = response.headers.first { $0.name == "Location" }?.value
            require(location != nil && location == answer.pageURL, "Location \(location ?? "nil") is not the API's page URL")
        }
    case .failure(let error):
        if case .api = error { require(isAPIError, "an .api error without Response.Error") }
    }

    switch Result(catching: { () throws(FaceIDError) in try FaceIDResponseDecoder.decode(GetResultResponse.self, status: 200, contentType: "application/json", body: body) }) {
    case .success(let answer):
        require(!isAPIError, "an answer with Response.Error decoded as a success")
        for exposeMedia in [false, true] {
            let store = MemoryTokenStore()
            try? store.save(TokenRecord(token: Fixtures.token, created: Fixtures.now - 60, sessionHash: SessionID.hash(Fixtures.session), extra: "order-42"))
            let config = Fixtures.config(unsignedExtra: false, linkKey: Fixtures.linkKey, requireLink: false, exposeMedia: exposeMedia)
            let handler = CallbackHandler(config: config, api: ScriptedFaceID(resultAnswer: .success(answer)), store: store, clock: { Fixtures.now })
            let query = exposeMedia
                ? "token=\(Fixtures.token)&exp=\(Fixtures.now + 60)&sig=\(SignedLink.signature(key: Fixtures.linkKey, ref: Fixtures.token, exp: Fixtures.now + 60))"
                : "token=\(Fixtures.token)"
            let response = handler.handle(Fixtures.request(method: "GET", query: query, cookie: "ekyc_session=\(Fixtures.session)"))
            requireWellFormed(response)
            require(response.status == (answer.errorCode == nil ? 202 : 200), "status \(response.status) for ErrorCode \(answer.errorCode.map(String.init) ?? "null")")
            // A final answer is stored once and then served from the store alone.
            if answer.errorCode != nil {
                let again = CallbackHandler(config: config, api: ScriptedFaceID(resultAnswer: .failure(.malformed("no second call"))),
                                            store: store, clock: { Fixtures.now })
                    .handle(Fixtures.request(method: "GET", query: "token=\(Fixtures.token)", cookie: "ekyc_session=\(Fixtures.session)"))
                require(again.status == 200, "the stored final answer gave \(again.status)")
            }
        }
    case .failure(let error):
        if case .api = error { require(isAPIError, "an .api error without Response.Error") }
    }

    // Any non-200 status is an HTTP error whatever the body says.
    if case .success = Result(catching: { () throws(FaceIDError) in try FaceIDResponseDecoder.decode(GetResultResponse.self, status: 502, contentType: nil, body: body) }) {
        fatalError("property violated: a 502 decoded as an answer")
    }
}

/// Just enough of the envelope to tell an API error from an answer, independently of the decoder.
struct ErrorProbe: Decodable {
    struct Body: Decodable {
        struct APIError: Decodable {}
        var Error: APIError?
    }
    var Response: Body
}
