import EKYCGate

/// What the tester chose on the sandbox page, each with the codes Tencent's page would report.
public enum Outcome: String, Sendable, CaseIterable {
    case pass
    case liveness
    case mismatch
    case multipleFaces = "multiple-faces"
    case timeout
    case userExit = "user-exit"

    /// The attempt's final code (`ErrorCode` of the result and of the VerificationDetail).
    public var errorCode: Int {
        switch self {
        case .pass: 0
        case .liveness: 1005
        case .mismatch: 2016
        case .multipleFaces: 2012
        case .timeout: 1409
        case .userExit: 1410
        }
    }

    /// Whether the flow may go on with another attempt after this one (until LivenessRetryLimit).
    public var isRetryable: Bool {
        switch self {
        case .liveness, .mismatch, .multipleFaces: true
        case .pass, .timeout, .userExit: false
        }
    }

    /// The outcomes a flow can have: a face mismatch needs a comparison (CheckMode 1 or 2).
    public static func available(for config: VerificationConfig) -> [Outcome] {
        allCases.filter { $0 != .mismatch || config.comparesFace }
    }

    /// Whether a face was captured, so the result carries a best frame and a video.
    var capturedMedia: Bool { self != .timeout && self != .userExit }

    /// The liveness step's code: failures of comparison happen after a passed liveness check.
    var livenessErrorCode: Int {
        switch self {
        case .pass, .mismatch, .multipleFaces: 0
        case .liveness, .timeout, .userExit: errorCode
        }
    }
}

/// The codes one attempt ends with: those of a named outcome, or any documented failing code a
/// tester asks for (`outcome=code&code=N`), so every code of docs/RESULT-CODES.md can be produced.
public struct AttemptCodes: Sendable, Equatable {
    public var errorCode: Int
    public var livenessErrorCode: Int
    /// Whether a face was captured, so the result carries a best frame and a video.
    var capturedMedia: Bool
    var isRetryable: Bool
    /// The attempt failed in the comparison, so the flow must compare faces.
    var needsComparison: Bool

    init(_ outcome: Outcome) {
        errorCode = outcome.errorCode
        livenessErrorCode = outcome.livenessErrorCode
        capturedMedia = outcome.capturedMedia
        isRetryable = outcome.isRetryable
        needsComparison = outcome == .mismatch
    }

    /// A documented code that ends an attempt as failed; nil for 0, for 16 (reached by retries)
    /// and for 17 (not a result). The step that failed follows the code's reason: a comparison
    /// code after a passed liveness check, a liveness code in the liveness check, any other in
    /// the flow itself (no face captured, no retry).
    public init?(code: Int) {
        guard let entry = BusinessCodes.entry(Int64(code)), case .failed(let reason) = entry.meaning else { return nil }
        errorCode = code
        needsComparison = reason == .comparison
        livenessErrorCode = reason == .comparison ? 0 : code
        capturedMedia = reason == .comparison || reason == .liveness
        isRetryable = capturedMedia
    }
}

/// The business codes the sandbox produces itself (ekyc-api.md §3.4).
public enum ResultCode {
    public static let success = 0
    public static let alreadyCompleted = 14
    public static let tokenExpired = 15
    public static let retryLimitReached = 16
    /// Every code `message` has its own text for (the page translates these).
    static let pageCodes = [0, 14, 15, 16, 1005, 1409, 1410, 2012, 2016]

    /// Tencent's text for a code, from the table the handlers read too.
    public static func message(_ code: Int) -> String { BusinessCodes.message(Int64(code)) }
}
