import EKYCGate
import FuzzSupport

// Input: ref, exp and sig as three lines (the decoded query values); an absent line is nil.
// Besides the verifier's properties, the harness signs the ref and exp it was given and drives
// ekyc-start (single-use links on) with that genuine link: the code behind the signature,
// which a forged input never reaches (an `exp` near Int64.max once crashed it there).
let key = Fixtures.linkKey
let otherKey = "fuzz-link-key-0123456789abcdef012345678A"
let now = Fixtures.now
let day: Int64 = 86_400

Fuzzer.run { bytes in
    let lines = bytes.split(separator: 10, maxSplits: 2, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    let ref = lines.count > 0 ? lines[0] : nil
    let exp = lines.count > 1 ? lines[1] : nil
    let sig = lines.count > 2 ? lines[2] : nil

    for purpose in [SignedLink.Purpose.startLink, .resultRead] {
        // As given: valid only when sig really is the HMAC of this purpose, ref and exp under this key.
        if case .valid(let validRef) = SignedLink.verify(purpose, subject: ref, exp: exp, sig: sig, key: key, now: now, maxLifetime: day) {
            guard let ref, let exp, let sig, let expires = Int64(exp) else { fatalError("property violated: valid without ref, exp or sig") }
            require(validRef == ref, "valid for another ref")
            require(exp.utf8.allSatisfy { (0x30...0x39).contains($0) }, "valid with exp \(exp.debugDescription)")
            require(sig.lowercased() == SignedLink.signature(purpose, key: key, subject: ref, exp: expires), "valid with a signature not of this key")
            require(now <= expires && expires - now <= day, "valid outside its lifetime")
        }
        // Never valid under a different key.
        if case .valid = SignedLink.verify(purpose, subject: ref, exp: exp, sig: sig, key: otherKey, now: now, maxLifetime: day) {
            if case .valid = SignedLink.verify(purpose, subject: ref, exp: exp, sig: sig, key: key, now: now, maxLifetime: day) {
                fatalError("property violated: one signature valid under two keys")
            }
        }
    }
    // Signed properly, the same ref and exp pass (or are expired, or too long) under the key,
    // for their own purpose only, and fail under another key.
    guard let ref, !ref.isEmpty, let exp, exp.utf8.count <= 19, let expires = Int64(exp),
          exp.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return }
    let good = SignedLink.signature(.startLink, key: key, subject: ref, exp: expires)
    let verdict = SignedLink.verify(.startLink, subject: ref, exp: exp, sig: good, key: key, now: now, maxLifetime: day)
    let expected: SignedLink.Verdict = now > expires ? .expired : (expires - now > day ? .tooLong(maxSeconds: day) : .valid(ref: ref))
    require(verdict == expected, "a correctly signed link gave \(verdict)")
    require(verdict == SignedLink.verify(.startLink, subject: ref, exp: exp, sig: good.uppercased(), key: key, now: now, maxLifetime: day),
            "hex case changed the verdict")
    if case .valid = SignedLink.verify(.resultRead, subject: ref, exp: exp, sig: good, key: key, now: now, maxLifetime: day) {
        fatalError("property violated: a start link signature reads a result")
    }
    if case .invalid = SignedLink.verify(.startLink, subject: ref, exp: exp, sig: good, key: otherKey, now: now, maxLifetime: day) {} else {
        fatalError("property violated: a link signed with one key passes another")
    }

    // Behind the signature: the genuine link through ekyc-start, twice (the second is the
    // single-use path), must answer without trapping and never start twice.
    let config = Fixtures.config(unsignedExtra: false, linkKey: key, requireLink: true, singleUseLinks: true)
    let api = ScriptedFaceID()
    let handler = StartHandler(config: config, api: api, store: MemoryTokenStore(), clock: { now }, milliseconds: { now * 1000 })
    let query = "ref=\(FormEncoding.encode(ref))&exp=\(exp)&sig=\(good)"
    for _ in 0..<2 {
        let response = handler.handle(Fixtures.request(method: "GET", query: query, cookie: nil))
        requireWellFormed(response)
    }
    require(api.applied.count <= 1, "one single-use link started \(api.applied.count) verifications")
}
