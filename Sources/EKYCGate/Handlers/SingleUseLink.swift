import EKYCCrypto

/// `single_use_links`: once the verification a signed link started is final (passed or
/// failed), the link cannot start another. A marker record in the token store, named after the
/// link's signature, remembers which BizToken the link started; while that verification is
/// still pending the link may start again (a user who closed the page is not locked out).
struct SingleUseLink {
    let signature: String
    let expires: Int64

    /// The marker's name: a store key like any token's, derived from the signature.
    var markerToken: String { "LINK-" + SHA256.hexHash(signature).prefix(40).uppercased() }

    func check(_ store: any TokenStore) -> Result<Void, Refusal> {
        do {
            guard let marker = try store.load(token: markerToken), let started = marker.extra,
                  let verification = try store.load(token: started) else { return .success(()) }
            if verification.status.isFinal {
                return .failure(Refusal(403, "link_used", "this start link has already been used for a completed verification; ask the merchant site for a new one"))
            }
            return .success(())
        } catch {
            return .failure(Refusal(503, "store_unavailable", "the token store cannot be read; retry shortly"))
        }
    }

    func record(bizToken: String, now: Int64, in store: any TokenStore) throws(StoreError) {
        var marker = TokenRecord(token: markerToken, created: now, sessionHash: String(repeating: "0", count: 64), extra: bizToken)
        // Kept while the link is valid, and at least as long as the verification it started.
        marker.keepUntil = max(marker.keepUntil, expires + 60)
        try store.save(marker)
    }
}
