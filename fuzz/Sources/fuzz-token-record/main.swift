#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EKYCGate
import FuzzSupport

// Input: a token record file as the file store reads it. What decodes must survive a rewrite
// unchanged and must be answerable by the callback without a trap.
let config = Fixtures.config(unsignedExtra: false, linkKey: nil, requireLink: false)

Fuzzer.run { bytes in
    guard let record = try? JSONDecoder().decode(TokenRecord.self, from: Data(bytes)) else { return }
    guard let rewritten = try? JSONEncoder().encode(record) else {
        fatalError("property violated: a decoded record cannot be encoded again")
    }
    let reread = try? JSONDecoder().decode(TokenRecord.self, from: rewritten)
    require(reread == record, "the record changed in a rewrite: \(String(decoding: rewritten, as: UTF8.self))")

    guard TokenFormat.isValid(record.token) else { return }
    var bound = record
    bound.sessionHash = SessionID.hash(Fixtures.session)
    let store = MemoryTokenStore()
    try? store.save(bound)
    let api = ScriptedFaceID(resultAnswer: .failure(.malformed("the fuzz API has no result")))
    let handler = CallbackHandler(config: config, api: api, store: store, clock: { Fixtures.now })
    let query = "token=\(record.token)"
    let response = handler.handle(Fixtures.request(method: "GET", query: query, cookie: "ekyc_session=\(Fixtures.session)"))
    requireWellFormed(response)
    switch record.status {
    case .passed, .failed: require(response.status == 200, "a final record answered \(response.status)")
    case .expired: require(response.status == 410, "an expired record answered \(response.status)")
    case .pending: require(response.status == (Fixtures.now > record.keepUntil ? 410 : 502), "a pending record answered \(response.status)")
    }
    // The record's session binding holds: another browser is refused.
    let stranger = handler.handle(Fixtures.request(method: "GET", query: query, cookie: "ekyc_session=\(String(repeating: "0", count: 64))"))
    require(stranger.status == 403, "another session got \(stranger.status)")
    // And the stored hash from the input is only matched by the cookie it was made from.
    require(!SessionID.matches(Fixtures.session, hash: record.sessionHash, key: config.sessionKey) || record.sessionHash.lowercased() == SessionID.hash(Fixtures.session),
            "session hash \(record.sessionHash.debugDescription) matched a cookie it was not made from")
}
