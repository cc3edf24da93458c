import Testing
@testable import EKYCGate

/// Config values checked against what Tencent documents, and sent the way they were checked.
@Suite struct ConfigFidelityTests {
    func refusal(_ values: [String: String]) -> String? {
        do { _ = try Fixtures.config(values); return nil } catch { return "\(error)" }
    }

    @Test func listsAreSentAsChecked() throws {
        let config = try Fixtures.config(["security_level": "2", "action_list": " blink, mouth ", "selected_warning_codes": "-9101, -9108"])
        #expect(config.page.actionList == "blink,mouth")
        #expect(config.page.selectedWarningCodes == "-9101,-9108")
    }

    @Test func regionMustBeADocumentedOne() throws {
        #expect(try Fixtures.config(["region": "ap-bangkok"]).endpoint.region == "ap-bangkok")
        #expect(refusal(["region": "ap-guangzhou"])?.contains("sa-saopaulo") == true)
    }

    @Test func redirectURLHasNoQueryOrFragment() {
        #expect(refusal(["redirect_url": "https://shop.example.com/done?x=1"])?.contains("no query or fragment") == true)
        #expect(refusal(["redirect_url": "https://shop.example.com/done#top"])?.contains("no query or fragment") == true)
    }

    @Test func secureCookieNeedsHttpsExceptOnLocalhost() {
        #expect(refusal(["redirect_url": "http://shop.example.com/done"])?.contains("cookie_secure") == true)
        #expect(refusal(["redirect_url": "http://shop.example.com/done", "cookie_secure": "false"]) == nil)
        #expect(refusal(["redirect_url": "http://localhost:8080/done"]) == nil)
    }

    @Test func onlineCheckCountsOnlyTheProbesExpectedComplaint() {
        #expect(CheckConfig.probeAnswer == "InvalidParameterValue.BizTokenIllegal")
    }
}
