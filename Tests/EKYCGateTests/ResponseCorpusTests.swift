import Testing
import EKYCGate

/// Tencent's documented answers and the shapes its SDK models allow (every field of
/// `GetWebVerificationResultIntlResponse`, `VerificationDetail`, `OCRResult`), including the type
/// drift the SDK tolerates: each must decode, as the official SDK would read it.
@Suite struct ResponseCorpusTests {
    func get(_ text: String) throws(FaceIDError) -> GetResultResponse {
        try FaceIDResponseDecoder.decode(GetResultResponse.self, status: 200, contentType: "application/json", body: Array(text.utf8))
    }

    /// Numbers sent as strings: the Python SDK assigns whatever arrives, so these work there.
    @Test func numbersAsStrings() throws {
        let answer = try get("""
        {"Response": {"ErrorCode": "0", "ErrorMsg": "Success", "RequestId": "r",
         "VerificationDetailList": [{"ErrorCode": "2016", "LivenessErrorCode": "0", "CompareErrorCode": "2016",
           "Similarity": "96.45", "ReqTimestamp": "1789473304325", "Seq": "s"}]}}
        """)
        #expect(answer.errorCode == 0)
        let detail = try #require(answer.verificationDetailList?.first)
        #expect(detail.errorCode == 2016 && detail.compareErrorCode == 2016 && detail.livenessErrorCode == 0)
        #expect(detail.similarity == 96.45 && detail.reqTimestamp == 1_789_473_304_325)
    }

    @Test func integersAsFloatsAndFloatsAsIntegers() throws {
        let answer = try get(#"{"Response": {"ErrorCode": 0.0, "VerificationDetailList": [{"Similarity": 0, "ErrorCode": 1005.0}]}}"#)
        #expect(answer.errorCode == 0 && answer.verificationDetailList?.first?.similarity == 0)
        #expect(answer.verificationDetailList?.first?.errorCode == 1005)
    }

    @Test func notANumberIsStillAnError() {
        #expect(throws: FaceIDError.self) { try get(#"{"Response": {"ErrorCode": "passed"}}"#) }
        #expect(throws: FaceIDError.self) { try get(#"{"Response": {"ErrorCode": {"a": 1}}}"#) }
    }

    /// Everything the models name, PLUS edition's LivenessInfoTag and a document result included.
    @Test func everyModelField() throws {
        let answer = try get("""
        {"Response": {"ErrorCode": 1005, "ErrorMsg": "Liveness detection failed", "Extra": "order-1",
         "VideoBase64": "AAAA", "BestFrameBase64": "/9j/", "RequestId": "r",
         "VerificationDetailList": [{"ErrorCode": 1005, "ErrorMsg": "Liveness detection failed", "LivenessErrorCode": 1005,
           "LivenessErrorMsg": "Liveness detection failed", "CompareErrorCode": null, "CompareErrorMsg": null,
           "ReqTimestamp": 1789473304325, "Similarity": 0, "Seq": "11a370d4", "LivenessInfoTag": ["01", "03"]}],
         "OCRResult": [{"IsPass": true, "CardImageBase64": "/9j/", "CardInfo": null,
           "NormalCardInfo": {"HKIDCard": {"ChineseName": "陳大文", "FullName": "CHAN, Tai Man"}}, "RequestId": "o",
           "CardCutImageBase64": null, "CardBackCutImageBase64": null, "WarnCardInfos": [-9101, -9108],
           "OriginalCardInfo": "{}", "HeadImageBase64": null, "CardBackImageBase64": null}]}}
        """)
        let detail = try #require(answer.verificationDetailList?.first)
        #expect(detail.livenessInfoTag == ["01", "03"] && detail.livenessErrorMsg == "Liveness detection failed")
        #expect(answer.ocrResult?.first?.warnCardInfos == [-9101, -9108])
        #expect(answer.ocrResult?.first?.normalCardInfo?["HKIDCard"]?["FullName"] == .string("CHAN, Tai Man"))
        #expect(answer.extra == "order-1")
    }

    /// The flow not finished: every field null or missing.
    @Test func openFlow() throws {
        let nulls = try get(#"{"Response": {"ErrorCode": null, "ErrorMsg": null, "VerificationDetailList": null, "VideoBase64": null, "BestFrameBase64": null, "OCRResult": null, "Extra": null, "RequestId": "r"}}"#)
        #expect(nulls.errorCode == nil && nulls.verificationDetailList == nil)
        let missing = try get(#"{"Response": {"RequestId": "r"}}"#)
        #expect(missing.errorCode == nil && missing.requestId == "r")
    }

    /// Documented error answers keep Tencent's code, message and RequestId.
    @Test(arguments: ["InvalidParameterValue.BizTokenExpired", "InvalidParameterValue.BizTokenIllegal", "AuthFailure.SignatureFailure",
                      "RequestLimitExceeded", "InternalError", "UnauthorizedOperation.Arrears", "MissingParameter", "UnknownParameter"])
    func errorAnswers(_ code: String) {
        do {
            _ = try get(#"{"Response": {"Error": {"Code": "\#(code)", "Message": "m"}, "RequestId": "req-1"}}"#)
            Issue.record("an error answer must throw")
        } catch {
            guard case let .api(got, message, requestId) = error else { Issue.record("\(error)"); return }
            #expect(got == code && message == "m" && requestId == "req-1")
        }
    }
}
