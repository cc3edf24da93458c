/// The mapping from Tencent's `VerificationDetail` to the store's record of an attempt, in
/// one place: the store does not know the API model, nor the API model the store.
extension StoredAttempt {
    public init(_ detail: VerificationDetail) {
        self.init(errorCode: detail.errorCode, errorMsg: detail.errorMsg, livenessErrorCode: detail.livenessErrorCode,
                  livenessErrorMsg: detail.livenessErrorMsg, compareErrorCode: detail.compareErrorCode,
                  compareErrorMsg: detail.compareErrorMsg, reqTimestamp: detail.reqTimestamp, similarity: detail.similarity,
                  seq: detail.seq, livenessInfoTag: detail.livenessInfoTag)
    }
}
