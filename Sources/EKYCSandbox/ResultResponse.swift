import EKYCGate
/// The `Response` of `GetWebVerificationResultIntl` for one record, shaped like Tencent's
/// documented example: explicit nulls while the flow is open, one detail per attempt after.
enum ResultResponse {
    static func body(for record: VerificationRecord, nowSeconds: Int64, requestId: String) -> JSONValue {
        let code = record.resultCode(nowSeconds: nowSeconds)
        let last = record.attempts.last
        let media = code != nil && (last?.codes.capturedMedia ?? false)
        return .object([
            ("ErrorCode", .optional(code)),
            ("ErrorMsg", .optional(code.map(ResultCode.message))),
            ("VerificationDetailList", code == nil ? .null : .array(record.attempts.map { detail($0, record: record) })),
            ("VideoBase64", media ? .string(Placeholders.videoMP4) : .null),
            ("BestFrameBase64", media ? .string(Placeholders.bestFrameJPEG) : .null),
            ("OCRResult", code != nil && record.config.readsDocument ? ocrResult(passed: code == 0, record: record, requestId: requestId) : .null),
            ("Extra", .optional(record.extra)),
            ("RequestId", .string(requestId)),
        ])
    }

    static func detail(_ attempt: VerificationRecord.Attempt, record: VerificationRecord) -> JSONValue {
        let outcome = attempt.codes
        let compared = record.config.comparesFace && outcome.livenessErrorCode == 0
        let compareCode = compared ? outcome.errorCode : nil
        return .object([
            ("ErrorCode", .integer(Int64(outcome.errorCode))),
            ("ErrorMsg", .string(ResultCode.message(outcome.errorCode))),
            ("LivenessErrorCode", .integer(Int64(outcome.livenessErrorCode))),
            ("LivenessErrorMsg", .string(ResultCode.message(outcome.livenessErrorCode))),
            ("CompareErrorCode", .optional(compareCode)),
            ("CompareErrorMsg", .optional(compareCode.map(ResultCode.message))),
            ("ReqTimestamp", .integer(attempt.atMilliseconds)),
            ("Similarity", compared ? .number(attempt.similarity) : .integer(0)),
            ("Seq", .string(attempt.seq)),
            ("LivenessInfoTag", .null),
        ])
    }

    /// One document result with a placeholder image; the sandbox reads no real document.
    static func ocrResult(passed: Bool, record: VerificationRecord, requestId: String) -> JSONValue {
        .array([.object([
            ("IsPass", .bool(passed)),
            ("CardImageBase64", .string(Placeholders.bestFrameJPEG)),
            ("CardInfo", .null),
            ("NormalCardInfo", .null),
            ("RequestId", .string(requestId)),
            ("CardCutImageBase64", .null),
            ("CardBackCutImageBase64", .null),
            ("WarnCardInfos", .array([])),
            ("OriginalCardInfo", record.config.checkMode == 4 ? .string("{}") : .null),
            ("HeadImageBase64", .null),
            ("CardBackImageBase64", .null),
        ])])
    }
}
