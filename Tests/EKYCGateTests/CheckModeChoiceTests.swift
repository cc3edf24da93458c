import Foundation
import Testing
import FastCGI
@testable import EKYCGate

/// Every Apply names its CheckMode: Tencent's default (2) compares with a photo that a plain
/// start does not have.
@Suite struct CheckModeChoiceTests {
    let api = FakeFaceID()
    let store = MemoryTokenStore()

    func handler(_ config: [String: String] = [:]) throws -> StartHandler {
        StartHandler(config: try Fixtures.config(config), api: api, store: store, clock: { 1_773_563_400 })
    }

    func jsonStart(photo: Bool) -> HTTPRequest {
        let body = photo ? #"{"compareImageBase64": "\#(Data(Fixtures.jpeg).base64EncodedString())"}"# : "{}"
        return Fixtures.post("/ekyc/start", contentType: "application/json", body: Array(body.utf8))
    }

    @Test func plainStartSendsLivenessOnlyAndAPhotoSendsComparison() throws {
        #expect(try handler().handle(Fixtures.get("/ekyc/start")).status == 303)
        #expect(api.applied.last?.config?.checkMode == 3)
        let sent = String(decoding: api.applied.last?.jsonPayload() ?? [], as: UTF8.self)
        #expect(sent.contains(#""CheckMode":3"#))
        #expect(try handler().handle(jsonStart(photo: true)).status == 303)
        #expect(api.applied.last?.config?.checkMode == 2)
    }

    @Test func configuredComparisonWithoutAPhotoIsA400BeforeAnyCall() throws {
        let response = try handler(["check_mode": "2"]).handle(Fixtures.get("/ekyc/start"))
        #expect(response.status == 400)
        #expect((Fixtures.json(response)["error"] as? [String: Any])?["code"] as? String == "photo_required")
        #expect(api.applied.isEmpty)
        // Mode 1 compares with the document's portrait: no reference photo needed.
        #expect(try handler(["check_mode": "1"]).handle(Fixtures.get("/ekyc/start")).status == 303)
        #expect(api.applied.last?.config?.checkMode == 1)
    }

    @Test func configWithComparisonAndNoPhotoSourceIsRefusedAtStartUp() throws {
        #expect(throws: ConfigError.self) { try Fixtures.config(["check_mode": "2", "browser_images": "refuse"]) }
        _ = try Fixtures.config(["check_mode": "2", "browser_images": "allow"])
        _ = try Fixtures.config(["check_mode": "2", "link_key": String(repeating: "k", count: 32)])
    }

    @Test func theBackendAndTheBrowserShareTheRule() {
        #expect((try? CheckModeChoice.resolve(configured: nil, hasPhoto: false, photoField: "x").get()) == 3)
        #expect((try? CheckModeChoice.resolve(configured: nil, hasPhoto: true, photoField: "x").get()) == 2)
        #expect((try? CheckModeChoice.resolve(configured: 4, hasPhoto: false, photoField: "x").get()) == 4)
        guard case .failure(let refusal) = CheckModeChoice.resolve(configured: 2, hasPhoto: false, photoField: "x") else {
            Issue.record("mode 2 without a photo must be refused"); return
        }
        #expect(refusal.response.status == 400)
    }
}
