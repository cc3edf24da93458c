import EKYCGate
import FuzzSupport

// Input: ref, exp and sig as three lines (the decoded query values); an absent line is nil.
let key = "fuzz-link-key-0123456789abcdef0123456789"
let otherKey = "fuzz-link-key-0123456789abcdef012345678A"
let now = Fixtures.now

Fuzzer.run { bytes in
    let lines = bytes.split(separator: 10, maxSplits: 2, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    let ref = lines.count > 0 ? lines[0] : nil
    let exp = lines.count > 1 ? lines[1] : nil
    let sig = lines.count > 2 ? lines[2] : nil

    // As given: valid only when sig really is the HMAC of ref and exp under this key.
    if case .valid(let validRef) = SignedLink.verify(ref: ref, exp: exp, sig: sig, key: key, now: now) {
        guard let ref, let exp, let sig, let expires = Int64(exp) else { fatalError("property violated: valid without ref, exp or sig") }
        require(validRef == ref, "valid for another ref")
        require(exp.utf8.allSatisfy { (0x30...0x39).contains($0) }, "valid with exp \(exp.debugDescription)")
        require(sig.lowercased() == SignedLink.signature(key: key, ref: ref, exp: expires), "valid with a signature not of this key")
        require(now <= expires, "valid after expiry")
    }
    // Never valid under a different key.
    if case .valid = SignedLink.verify(ref: ref, exp: exp, sig: sig, key: otherKey, now: now) {
        if case .valid = SignedLink.verify(ref: ref, exp: exp, sig: sig, key: key, now: now) {
            fatalError("property violated: one signature valid under two keys")
        }
    }
    // Signed properly, the same ref and exp pass (or are expired) under the key and fail under another.
    guard let ref, !ref.isEmpty, let exp, let expires = Int64(exp), exp.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return }
    let good = SignedLink.signature(key: key, ref: ref, exp: expires)
    let verdict = SignedLink.verify(ref: ref, exp: exp, sig: good, key: key, now: now)
    require(verdict == (now <= expires ? .valid(ref: ref) : .expired), "a correctly signed link gave \(verdict)")
    require(verdict == SignedLink.verify(ref: ref, exp: exp, sig: good.uppercased(), key: key, now: now), "hex case changed the verdict")
    if case .invalid = SignedLink.verify(ref: ref, exp: exp, sig: good, key: otherKey, now: now) {} else {
        fatalError("property violated: a link signed with one key passes another")
    }
}
