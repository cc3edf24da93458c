/// Proof that something usable once has been used: a single-use start link, a handoff, a signed
/// backend request. Claims live in the token store beside verifications, so every node sees
/// them and of two racing creators exactly one wins (`TokenStore.create`), but they are a kind
/// of their own: the stored form says `"kind": "claim"`, and a walk of the store (the
/// reconciler, the status page) tells them from verifications by that, never by their name.
public struct Claim: Sendable, Equatable {
    /// The store key: derived from what was used, never a BizToken Tencent issued.
    public var name: String
    public var created: Int64
    /// Kept while what it claims can still be presented; swept after.
    public var keepUntil: Int64
    /// The browser session that made the claim; nil when no browser did (a backend request).
    public var sessionHash: String?
    /// The verification the claim started, once it is known.
    public var startedToken: String?

    public init(name: String, created: Int64, keepUntil: Int64, sessionHash: String?, startedToken: String? = nil) {
        self.name = name
        self.created = created
        self.keepUntil = keepUntil
        self.sessionHash = sessionHash
        self.startedToken = startedToken
    }

    /// What every claim's name starts with. A record with this name and no kind was written by
    /// a version before claims had a kind of their own; it is read as a claim until it is swept
    /// (a day at most, `max_link_lifetime`).
    public static let namePrefix = "LINK-"
}

extension Claim {
    /// The stored form: the store's one record shape, marked as a claim.
    var record: TokenRecord {
        var record = TokenRecord(token: name, created: created, sessionHash: sessionHash ?? "", extra: nil)
        record.kind = .claim
        record.claimedToken = startedToken
        record.startBy = keepUntil
        record.keepUntil = keepUntil
        return record
    }

    /// The claim a stored record holds; nil for a verification's record.
    init?(record: TokenRecord) {
        let unkinded = record.kind == nil && record.token.hasPrefix(Self.namePrefix)
        guard record.kind == .claim || unkinded else { return nil }
        self.init(name: record.token, created: record.created, keepUntil: record.keepUntil,
                  sessionHash: record.sessionHash.isEmpty ? nil : record.sessionHash,
                  startedToken: unkinded ? record.extra : record.claimedToken)
    }
}

extension TokenStore {
    /// Writes the claim only when there is none of its name; true when this call made it.
    public func create(_ claim: Claim) throws(StoreError) -> Bool { try create(claim.record) }

    /// Replaces the claim (to name the verification it started).
    public func save(_ claim: Claim) throws(StoreError) { try save(claim.record) }

    /// The claim of this name; nil when there is none (or the name holds a verification).
    public func claim(named name: String) throws(StoreError) -> Claim? {
        guard let record = try load(token: name) else { return nil }
        return Claim(record: record)
    }
}
