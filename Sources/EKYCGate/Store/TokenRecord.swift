/// What the store keeps for one BizToken: small, JSON, never an image.
public struct TokenRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case pending, passed, failed, expired
        public var isFinal: Bool { self != .pending }
    }

    /// Tencent's window to start the flow (10 minutes) and to read its result (3 days).
    public static let startWindowSeconds: Int64 = 600
    public static let retentionSeconds: Int64 = 259_200

    /// What else than a verification a record can be: nil for a verification (every record
    /// written before records had kinds is one), `.claim` for a `Claim`.
    public enum Kind: String, Codable, Sendable {
        case claim
    }

    public var token: String
    public var kind: Kind?
    public var created: Int64
    /// The user must open the eKYC page before this (Unix seconds).
    public var startBy: Int64
    /// The result can be read until this; the record is swept after it.
    public var keepUntil: Int64
    /// SHA-256 hex of the browser's session cookie: binds the token to that browser.
    public var sessionHash: String
    public var extra: String?
    /// Tencent's page for this token, so a browser that starts again within the start window
    /// is sent back to it instead of spending a new verification.
    public var verificationURL: String?
    public var status: Status
    /// The final answer, written once when the API first reports one.
    public var result: StoredResult?
    /// When the reconciler last asked the API about this pending record (Unix seconds).
    public var checkedAt: Int64?
    /// A claim's verification, once the claim started one (`Claim.startedToken`).
    public var claimedToken: String?

    public init(token: String, created: Int64, sessionHash: String, extra: String?) {
        self.token = token
        self.kind = nil
        self.created = created
        self.startBy = created.saturatingAdd(Self.startWindowSeconds)
        self.keepUntil = created.saturatingAdd(Self.retentionSeconds)
        self.sessionHash = sessionHash
        self.extra = extra
        self.verificationURL = nil
        self.status = .pending
        self.result = nil
        self.checkedAt = nil
        self.claimedToken = nil
    }

    /// A verification's record, not a `Claim`, which shares the store but names no BizToken
    /// Tencent issued.
    public var isVerification: Bool {
        TokenFormat.isValid(token) && Claim(record: self) == nil
    }
}

/// The final verdict as stored, enough to answer the callback again without the API.
public struct StoredResult: Codable, Sendable, Equatable {
    public var errorCode: Int64?
    public var errorMsg: String?
    public var reason: String?
    public var attempts: [StoredAttempt]
    public var requestId: String?
    public var completed: Int64

    public init(errorCode: Int64?, errorMsg: String?, reason: String?, attempts: [StoredAttempt], requestId: String?, completed: Int64) {
        self.errorCode = errorCode
        self.errorMsg = errorMsg
        self.reason = reason
        self.attempts = attempts
        self.requestId = requestId
        self.completed = completed
    }
}
