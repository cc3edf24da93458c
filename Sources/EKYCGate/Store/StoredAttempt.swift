/// One attempt of the user as the store keeps it: the store's own record, so Tencent's API
/// model can change without changing what is on disk. Its JSON keys are the ones the store has
/// always written (Tencent's names), so existing records still read.
public struct StoredAttempt: Codable, Sendable, Equatable {
    public var errorCode: Int64?
    public var errorMsg: String?
    public var livenessErrorCode: Int64?
    public var livenessErrorMsg: String?
    public var compareErrorCode: Int64?
    public var compareErrorMsg: String?
    /// Milliseconds since the epoch.
    public var reqTimestamp: UInt64?
    public var similarity: Double?
    public var seq: String?
    public var livenessInfoTag: [String]?

    /// The on-disk names: do not change them, or records already stored stop reading.
    enum CodingKeys: String, CodingKey {
        case errorCode = "ErrorCode"
        case errorMsg = "ErrorMsg"
        case livenessErrorCode = "LivenessErrorCode"
        case livenessErrorMsg = "LivenessErrorMsg"
        case compareErrorCode = "CompareErrorCode"
        case compareErrorMsg = "CompareErrorMsg"
        case reqTimestamp = "ReqTimestamp"
        case similarity = "Similarity"
        case seq = "Seq"
        case livenessInfoTag = "LivenessInfoTag"
    }
}
