/// A machine-readable reason for a failed verification, from Tencent's business codes
/// (`BusinessCodes`): what a merchant's code branches on without knowing the table.
public enum ResultReason: String, Sendable, CaseIterable {
    case liveness, comparison, document, userExit = "user_exit", timeout, expired, system

    public static func of(errorCode: Int64, detail: VerificationDetail? = nil) -> ResultReason {
        switch BusinessCodes.meaning(errorCode) {
        case .failed(let reason): return reason
        // 16 = retry limit reached: the user failed liveness or comparison too often.
        case .failedAsLastAttempt: return detail.map(of(attempt:)) ?? .liveness
        case .passed, .pending: return .system
        }
    }

    /// The reason of one attempt, from its liveness and comparison codes.
    static func of(attempt: VerificationDetail) -> ResultReason {
        if let code = attempt.livenessErrorCode, code != 0 { return .liveness }
        if let code = attempt.compareErrorCode, code != 0 { return .comparison }
        return .liveness
    }
}
