#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EKYCGate
import FuzzSupport

// Input: method, Content-Type, query string, Cookie and Accept lines, then the body: a whole
// start request. Three servers answer it: links required, links optional with unsigned extra
// allowed, and no link key at all.
let configs = [
    Fixtures.config(unsignedExtra: false, linkKey: Fixtures.linkKey, requireLink: true),
    Fixtures.config(unsignedExtra: true, linkKey: Fixtures.linkKey, requireLink: false),
    Fixtures.config(unsignedExtra: true, linkKey: nil, requireLink: false),
]

Fuzzer.run { bytes in
    let (lines, body) = fields(bytes, count: 5)
    let request = Fixtures.request(method: lines[0], query: lines[2], cookie: lines[3].isEmpty ? nil : lines[3],
                                   contentType: lines[1].isEmpty ? nil : lines[1], accept: lines[4].isEmpty ? nil : lines[4],
                                   body: body)
    for config in configs {
        let api = ScriptedFaceID()
        let store = MemoryTokenStore()
        let response = StartHandler(config: config, api: api, store: store, clock: { Fixtures.now }).handle(request)
        requireWellFormed(response)
        guard let apply = api.applied.first else {
            require(response.status >= 400, "\(response.status) without an API call")
            continue
        }
        require(api.applied.count == 1, "\(api.applied.count) Apply calls for one start")
        require([200, 303].contains(response.status), "status \(response.status) after a successful Apply")
        require((try? store.load(token: Fixtures.token)) != nil, "redirected before the token was stored")
        // Extra: at most Tencent's 1000 characters; unsigned only where allowed.
        if let extra = apply.extra {
            require(extra.count <= 1000, "Extra of \(extra.count) characters")
            require(config.allowUnsignedExtra || request.queryString.contains("sig="), "unsigned extra accepted")
        }
        // The Apply body is JSON, and an uploaded photo is its base64 exactly.
        let payload = apply.jsonPayload()
        guard case .object(let fields)? = JSONValue.parse(payload) else {
            fatalError("property violated: the Apply body is not a JSON object: \(String(decoding: payload.prefix(200), as: UTF8.self))")
        }
        if case .bytes(let image) = apply.compareImage {
            guard case .string(let base64)? = fields.first(where: { $0.0 == "CompareImageBase64" })?.1,
                  let decoded = Data(base64Encoded: base64) else { fatalError("property violated: the photo is not base64 in the Apply body") }
            require(Array(decoded) == Array(image), "the photo's base64 does not decode to the upload")
        }
        if let extra = apply.extra {
            require(fields.first(where: { $0.0 == "Extra" })?.1 == .string(extra), "Extra changed on the way into the Apply body")
        }
    }
}
