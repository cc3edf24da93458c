import Foundation
import Testing
@testable import EKYCGate

/// Claims share the store with verifications but are their own kind.
struct ClaimTests {
    let store = MemoryTokenStore()

    @Test func aClaimReadsBackAsAClaimAndNeverAsAVerification() throws {
        let claim = Claim(name: Claim.namePrefix + String(repeating: "C0", count: 20), created: 1_000, keepUntil: 2_000,
                          sessionHash: String(repeating: "a", count: 64), startedToken: "TOKEN-1")
        #expect(try store.create(claim))
        #expect(try !store.create(claim), "a claim is made once")
        #expect(try store.claim(named: claim.name) == claim)
        let stored = try #require(try store.load(token: claim.name))
        #expect(stored.kind == .claim && !stored.isVerification && stored.keepUntil == 2_000)
    }

    @Test func theStoredFormSaysItIsAClaim() throws {
        let claim = Claim(name: "CLAIM-NAME-0123456789", created: 1, keepUntil: 61, sessionHash: nil)
        let json = String(decoding: try JSONEncoder().encode(claim.record), as: UTF8.self)
        #expect(json.contains(#""kind":"claim""#))
        #expect(Claim(record: claim.record) == claim)
    }

    @Test func aVerificationIsNoClaim() throws {
        let record = TokenRecord(token: "0123456789ABCDEF0123", created: 1, sessionHash: "", extra: "LINK-looking extra")
        try store.save(record)
        #expect(try store.claim(named: record.token) == nil)
        #expect(record.isVerification)
        #expect(!String(decoding: try JSONEncoder().encode(record), as: UTF8.self).contains("kind"),
                "a verification's stored form is what it was before claims had a kind")
    }

    /// A marker a version before claim kinds wrote: a verification-shaped record under a
    /// `LINK-` name with the started token in `extra`.
    @Test func aMarkerWithoutKindIsReadAsTheClaimItWas() throws {
        let old = TokenRecord(token: Claim.namePrefix + String(repeating: "AB", count: 20), created: 5, sessionHash: "", extra: "STARTED")
        let claim = try #require(Claim(record: old))
        #expect(claim.startedToken == "STARTED" && claim.sessionHash == nil)
        #expect(!old.isVerification)
    }
}
