import EKYCCrypto

/// `single_use_links`, handoffs and signed backend requests: each starts at most one
/// verification, ever. Before the API is called the use is claimed with a `Claim` created
/// atomically in the store (of two racing starts exactly one wins); the claim then names the
/// BizToken it started and the session it started in. That session may resume its pending
/// verification; any other use is refused. A failed Apply releases the claim, so the user can
/// try again.
struct LinkClaim {
    let signature: String
    let expires: Int64

    /// A start that claimed the link but has not named its token yet for this long has died.
    static let inFlightSeconds: Int64 = 30

    /// The claim's name: a store key derived from the signature, in the shape of a token's
    /// (the stores' key rules hold for it) but never one Tencent issues.
    var claimName: String { Claim.namePrefix + SHA256.hexHash(signature).prefix(40).uppercased() }

    enum Outcome {
        /// This start owns the link (the claim written): call the API, then `record` the token.
        case claimed(Claim)
        /// The link already started a verification: its claim.
        case taken(Claim)
    }

    func claim(sessionHash: String?, now: Int64, in store: any TokenStore) throws(StoreError) -> Outcome {
        // Kept while what it claims can be used (the link, handoff or signed request is refused
        // once expired anyway), not for a verification's 3 days: a claim is no verification, and
        // it should not hold a place in the store's quota that long.
        let claim = Claim(name: claimName, created: now, keepUntil: expires.saturatingAdd(60), sessionHash: sessionHash)
        if try store.create(claim) { return .claimed(claim) }
        guard let existing = try store.claim(named: claimName) else {
            // Removed between the two calls (a failed start released it): claim again once.
            return try store.create(claim) ? .claimed(claim) : .taken(claim)
        }
        return .taken(existing)
    }

    /// Names the token the claimed link started.
    func record(bizToken: String, in store: any TokenStore, claimed: Claim) throws(StoreError) {
        var claim = claimed
        claim.startedToken = bizToken
        try store.save(claim)
    }

    func release(in store: any TokenStore) {
        try? store.remove(token: claimName)
    }

    /// Why a taken link cannot start again (its own session's resume is checked before this).
    static func refusal(for claim: Claim, now: Int64) -> Refusal {
        if claim.startedToken == nil, now.saturatingSubtract(claim.created) < inFlightSeconds {
            return Refusal(429, "link_in_progress", "this start link is being used right now; wait a moment and open it again",
                           headers: [("Retry-After", "2")])
        }
        return Refusal(403, "link_used", "this start link has already been used to start a verification; ask the merchant site for a new one")
    }
}
