import Foundation
import Testing
import EKYCGate

@Suite struct ApplyPayloadTests {
    @Test(arguments: [0, 1, 2, 3, 4, 5, 100, 1001])
    func base64MatchesFoundation(_ count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(Base64.encode(bytes[...]) == Data(bytes).base64EncodedString())
        #expect(Base64.encodedCount(count) == Data(bytes).base64EncodedString().utf8.count)
    }

    @Test func payloadIsTheDocumentedJSON() throws {
        var config = WebVerificationConfig()
        config.checkMode = 2
        config.language = "zh-cn"
        let request = ApplyRequest(redirectURL: "https://shop.example.com/done?a=1&b=\"x\"", compareImage: .bytes(Fixtures.jpeg[...]),
                                   extra: "order \u{1F600}\n42", ruleId: "1", config: config)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(request.jsonPayload())) as? [String: Any])
        #expect(object["RedirectURL"] as? String == "https://shop.example.com/done?a=1&b=\"x\"")
        #expect(object["CompareImageBase64"] as? String == Data(Fixtures.jpeg).base64EncodedString())
        #expect(object["Extra"] as? String == "order \u{1F600}\n42")
        #expect(object["RuleId"] as? String == "1")
        let sent = try #require(object["Config"] as? [String: Any])
        #expect(sent["CheckMode"] as? Int == 2 && sent["Language"] as? String == "zh-cn")
        #expect(sent.count == 2, "unset Config fields are left out")
    }

    @Test func minimalPayloadLeavesUnsetFieldsOut() {
        let text = String(decoding: ApplyRequest(redirectURL: "https://a.example/").jsonPayload(), as: UTF8.self)
        #expect(text == #"{"RedirectURL":"https://a.example/"}"#)
    }
}
