import EKYCCrypto

/// `single_use_links`: a signed link starts at most one verification, ever. Before the API is
/// called the link is claimed with a marker record created atomically in the store (of two
/// racing starts exactly one wins); the marker then names the BizToken the link started and
/// the session it started in. That session may resume its pending verification; any other
/// use of the link is refused. A failed Apply releases the claim, so the user can try again.
struct LinkClaim {
    let signature: String
    let expires: Int64

    /// A start that claimed the link but has not named its token yet for this long has died.
    static let inFlightSeconds: Int64 = 30

    /// What every marker's name starts with, so a walk of the store tells markers from
    /// verifications.
    static let markerPrefix = TokenRecord.linkMarkerPrefix

    /// The marker's name: a store key like any token's, derived from the signature.
    var markerToken: String { Self.markerPrefix + SHA256.hexHash(signature).prefix(40).uppercased() }

    enum Outcome {
        /// This start owns the link (the marker written): call the API, then `record` the token.
        case claimed(TokenRecord)
        /// The link already started a verification: its marker.
        case taken(TokenRecord)
    }

    func claim(sessionHash: String, now: Int64, in store: any TokenStore) throws(StoreError) -> Outcome {
        var marker = TokenRecord(token: markerToken, created: now, sessionHash: sessionHash, extra: nil)
        // Kept while what it claims can be used (the link, handoff or signed request is refused
        // once expired anyway), not for a verification's 3 days: a claim is no verification, and
        // it should not hold a place in the store's quota that long.
        marker.keepUntil = expires.saturatingAdd(60)
        if try store.create(marker) { return .claimed(marker) }
        guard let existing = try store.load(token: markerToken) else {
            // Removed between the two calls (a failed start released it): claim again once.
            return try store.create(marker) ? .claimed(marker) : .taken(marker)
        }
        return .taken(existing)
    }

    /// Names the token the claimed link started.
    func record(bizToken: String, in store: any TokenStore, marker claimed: TokenRecord) throws(StoreError) {
        var marker = claimed
        marker.extra = bizToken
        try store.save(marker)
    }

    func release(in store: any TokenStore) {
        try? store.remove(token: markerToken)
    }

    /// Why a taken link cannot start again (its own session's resume is checked before this).
    static func refusal(for marker: TokenRecord, now: Int64) -> Refusal {
        if marker.extra == nil, now.saturatingSubtract(marker.created) < inFlightSeconds {
            return Refusal(429, "link_in_progress", "this start link is being used right now; wait a moment and open it again",
                           headers: [("Retry-After", "2")])
        }
        return Refusal(403, "link_used", "this start link has already been used to start a verification; ask the merchant site for a new one")
    }
}
