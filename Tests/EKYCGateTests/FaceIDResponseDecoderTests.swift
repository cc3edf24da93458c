import Testing
import EKYCGate

/// Tencent's documented answers, decoded as the client decodes them.
@Suite struct FaceIDResponseDecoderTests {
    func decode<T: Decodable>(_ type: T.Type, _ text: String, status: Int = 200) throws(FaceIDError) -> T {
        try FaceIDResponseDecoder.decode(type, status: status, contentType: "application/json", body: Array(text.utf8))
    }

    @Test func officialApplyExample() throws {
        let answer = try decode(ApplyResponse.self, """
        {"Response": {"BizToken": "584D404C-F1C3-401C-961E-78C6EF90BDDB",
         "VerificationURL": "https://intl-test.faceid.qq.com/reflect/?token=584D404C-F1C3-401C-961E-78C6EF90BDDB",
         "VerificationUrl": "https://intl-test.faceid.qq.com/reflect/?token=584D404C-F1C3-401C-961E-78C6EF90BDDB",
         "RequestId": "1334f124-317f-4ea0-969e-19fba57f568a", "SomethingNew": {"a": 1}}}
        """)
        #expect(answer.bizToken == "584D404C-F1C3-401C-961E-78C6EF90BDDB")
        #expect(answer.pageURL?.hasPrefix("https://intl-test.faceid.qq.com/reflect/") == true)
    }

    @Test func officialGetExampleWithNulls() throws {
        let answer = try decode(GetResultResponse.self, """
        {"Response": {"BestFrameBase64": "/9j/4AAQSkZJRgABAQAAA**", "ErrorCode": 0, "ErrorMsg": "Success, tap next to continue",
         "Extra": null, "OCRResult": null, "RequestId": "e7ad0f19-0c3e-402f-9fb0-720dd7ed0d99",
         "VerificationDetailList": [{"CompareErrorCode": null, "CompareErrorMsg": null, "ErrorCode": 0,
           "ErrorMsg": "Success, tap next to continue", "LivenessErrorCode": 0, "LivenessErrorMsg": "Success, tap next to continue",
           "LivenessInfoTag": null, "ReqTimestamp": 1789473304325, "Seq": "11a370d4-9a16-49c8-b1bb-74ad89ac6965", "Similarity": 0}],
         "VideoBase64": "AAAAIGZ0eXBpc29tAAACAG**"}}
        """)
        #expect(answer.errorCode == 0)
        #expect(answer.extra == nil && answer.ocrResult == nil)
        #expect(answer.verificationDetailList?.first?.reqTimestamp == 1_789_473_304_325)
        #expect(answer.verificationDetailList?.first?.compareErrorCode == nil)
    }

    @Test func pendingHasNullErrorCode() throws {
        let answer = try decode(GetResultResponse.self, #"{"Response":{"ErrorCode":null,"ErrorMsg":null,"RequestId":"r"}}"#)
        #expect(answer.errorCode == nil)
    }

    @Test func errorKeepsCodeAndRequestId() {
        do {
            _ = try decode(ApplyResponse.self, #"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"ed93f3cb"}}"#)
            Issue.record("expected an error")
        } catch {
            guard case let .api(code, message, requestId) = error else { Issue.record("wrong error \(error)"); return }
            #expect(code == "AuthFailure.SignatureFailure")
            #expect(message.hasPrefix("The provided credentials"))
            #expect(requestId == "ed93f3cb")
        }
    }

    @Test func notJSONIsMalformed() {
        #expect(throws: FaceIDError.self) { try decode(ApplyResponse.self, "<html>502</html>") }
        #expect(throws: FaceIDError.self) { try decode(ApplyResponse.self, #"{"Response":{"BizTo"#) }
        #expect(throws: FaceIDError.self) { try decode(ApplyResponse.self, #"{"Response":{"RequestId":"r"}}"#) }
    }

    @Test func non200IsHTTPStatus() {
        do {
            _ = try decode(ApplyResponse.self, "oops", status: 500)
        } catch {
            guard case .httpStatus(500, _) = error else { Issue.record("wrong error \(error)"); return }
        }
    }
}
