/// One verification flow from Apply to its result, as the sandbox keeps it.
public struct VerificationRecord: Sendable, Equatable {
    /// One attempt on the page (a `VerificationDetail` in the result).
    public struct Attempt: Sendable, Equatable {
        public var seq: String
        public var codes: AttemptCodes
        public var atMilliseconds: Int64
        /// 0…100 with two decimals; 0 when no comparison ran.
        public var similarity: Double
    }

    /// How the flow ended: the `ErrorCode` of the result.
    public struct Final: Sendable, Equatable {
        public var errorCode: Int
        public var atSeconds: Int64
    }

    /// A user has this long from Apply to open the page (code 15 afterwards).
    public static let startWindowSeconds: Int64 = 600
    /// Results can be read this long after Apply (`BizTokenExpired` afterwards).
    public static let retentionSeconds: Int64 = 3 * 86_400

    public var bizToken: String
    public var createdSeconds: Int64
    public var redirectURL: String
    public var extra: String?
    public var hasCompareImage: Bool
    public var config: VerificationConfig
    public var startedSeconds: Int64?
    public var attempts: [Attempt] = []
    public var final: Final?

    public init(bizToken: String, createdSeconds: Int64, redirectURL: String, extra: String?,
                hasCompareImage: Bool, config: VerificationConfig) {
        self.bizToken = bizToken
        self.createdSeconds = createdSeconds
        self.redirectURL = redirectURL
        self.extra = extra
        self.hasCompareImage = hasCompareImage
        self.config = config
    }

    /// Moves every time of the flow `seconds` into the past (the sandbox's time travel).
    public mutating func age(by seconds: Int64) {
        createdSeconds -= seconds
        startedSeconds = startedSeconds.map { $0 - seconds }
        final = final.map { Final(errorCode: $0.errorCode, atSeconds: $0.atSeconds - seconds) }
        attempts = attempts.map { var attempt = $0; attempt.atMilliseconds -= seconds * 1000; return attempt }
    }

    public func isRetained(nowSeconds: Int64) -> Bool {
        nowSeconds - createdSeconds <= Self.retentionSeconds
    }

    /// The page was never opened and the start window has passed.
    public func missedStartWindow(nowSeconds: Int64) -> Bool {
        final == nil && startedSeconds == nil && nowSeconds - createdSeconds > Self.startWindowSeconds
    }

    /// The result code as Get reports it now: nil while the flow is open.
    public func resultCode(nowSeconds: Int64) -> Int? {
        if let final { return final.errorCode }
        return missedStartWindow(nowSeconds: nowSeconds) ? ResultCode.tokenExpired : nil
    }

    /// Attempts left before LivenessRetryLimit is reached.
    public var attemptsLeft: Int { max(0, config.livenessRetryLimit - attempts.count) }

    /// Where the page sends the browser at the end: RedirectURL with `token=` added to its
    /// query (before any fragment).
    public var redirectLocation: String {
        var base = redirectURL
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = String(base[..<hash])
        }
        let separator = base.contains("?") ? (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&") : "?"
        return base + separator + "token=" + bizToken + fragment
    }
}
