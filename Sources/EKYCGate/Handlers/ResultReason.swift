/// A machine-readable reason for a failed verification, from Tencent's business codes
/// (ekyc H5 error code table): what a merchant's code branches on without knowing the table.
public enum ResultReason: String, Sendable, CaseIterable {
    case liveness, comparison, document, userExit = "user_exit", timeout, expired, system

    public static func of(errorCode: Int64, detail: VerificationDetail? = nil) -> ResultReason {
        switch errorCode {
        case 1409: return .timeout
        case 1410: return .userExit
        case 15: return .expired
        // 16 = retry limit reached: the user failed liveness or comparison too often.
        case 16: return detail.map(of(attempt:)) ?? .liveness
        case 202, 1001...1999: return .liveness
        case 2001...2999: return .comparison
        case -9999 ... -9000, 3001...3999: return .document
        default: return .system
        }
    }

    /// The reason of one attempt, from its liveness and comparison codes.
    static func of(attempt: VerificationDetail) -> ResultReason {
        if let code = attempt.livenessErrorCode, code != 0 { return .liveness }
        if let code = attempt.compareErrorCode, code != 0 { return .comparison }
        return .liveness
    }
}
