import FastCGI
import Testing
import EKYCGate
@testable import EKYCSandbox

@Suite struct FlowTests {
    @Test func applyGetPendingFinishPassGetPassed() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"RedirectURL": "https://merchant.example.com/done", "Extra": "order-42", "CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo"}"#)

        let pending = try result(sandbox, token: token, now: testNow + 10)
        #expect(pending["ErrorCode"] == .null)
        #expect(pending["ErrorMsg"] == .null)
        #expect(pending["VerificationDetailList"] == .null)
        #expect(pending["BestFrameBase64"] == .null)
        #expect(string(pending["Extra"]) == "order-42")

        let page = sandbox.handle(request(method: "GET", path: "/reflect/", query: "token=\(token)"), now: testNow + 20)
        #expect(page.status == 200)
        let done = finish(sandbox, token: token, outcome: "pass", now: testNow + 60)
        #expect(done.status == 303)
        #expect(header(done, "Location") == "https://merchant.example.com/done?token=\(token)")

        let passed = try result(sandbox, token: token, now: testNow + 120)
        #expect(int(passed["ErrorCode"]) == 0)
        #expect(string(passed["ErrorMsg"]) == "Success, tap next to continue")
        #expect(passed["OCRResult"] == .null)
        #expect(string(passed["BestFrameBase64"])?.hasPrefix("/9j/") == true)
        #expect(string(passed["VideoBase64"])?.hasPrefix("AAAAIGZ0eXBpc29t") == true)
        guard case .array(let details)? = passed["VerificationDetailList"] else { Issue.record("no details"); return }
        #expect(details.count == 1)
        let detail = details[0]
        #expect(int(detail["ErrorCode"]) == 0)
        #expect(int(detail["LivenessErrorCode"]) == 0)
        #expect(int(detail["CompareErrorCode"]) == 0)
        #expect(int(detail["ReqTimestamp"]) == Int64(testNow + 60) * 1000)
        #expect(detail["LivenessInfoTag"] == .null)
        guard let similarity = number(detail["Similarity"]) else { Issue.record("no similarity"); return }
        #expect(similarity >= 90)
        let seq = try #require(string(detail["Seq"]))
        #expect(seq.count == 36 && seq == seq.lowercased())
    }

    @Test(arguments: [
        ("liveness", Int64(1005), Int64(1005), Int64?.none),
        ("mismatch", 2016, 0, 2016),
        ("multiple-faces", 2012, 0, 2012),
        ("timeout", 1409, 1409, nil),
        ("user-exit", 1410, 1410, nil),
    ])
    func failedOutcomes(outcome: String, code: Int64, livenessCode: Int64, compareCode: Int64?) throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        #expect(finish(sandbox, token: token, outcome: outcome).status == 303)
        let failed = try result(sandbox, token: token)
        #expect(int(failed["ErrorCode"]) == code)
        #expect(string(failed["ErrorMsg"]) == ResultCode.message(Int(code)))
        guard case .array(let details)? = failed["VerificationDetailList"] else { Issue.record("no details"); return }
        #expect(int(details.first?["LivenessErrorCode"]) == livenessCode)
        #expect(int(details.first?["CompareErrorCode"]) == compareCode)
        if outcome == "mismatch" { #expect((number(details.first?["Similarity"]) ?? 100) < 70) }
        let media = outcome != "timeout" && outcome != "user-exit"
        #expect((failed["BestFrameBase64"] != .null) == media)
        #expect(failed["Extra"] == .null)
    }

    @Test func redirectKeepsAnExistingQueryAndFragment() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://m.example/cb?session=abc&lang=en#top"}"#)
        let done = finish(sandbox, token: token, outcome: "pass")
        #expect(header(done, "Location") == "https://m.example/cb?session=abc&lang=en&token=\(token)#top")
    }

    @Test func cannotFinishTwice() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        #expect(finish(sandbox, token: token, outcome: "pass").status == 303)
        let again = finish(sandbox, token: token, outcome: "liveness")
        #expect(again.status == 410)
        #expect(text(again).contains("14"))
        let page = sandbox.handle(request(method: "GET", path: "/reflect/", query: "token=\(token)"), now: testNow + 90)
        #expect(page.status == 410)
        #expect(text(page).contains("Verification already completed"))
        #expect(int(try result(sandbox, token: token)["ErrorCode"]) == 0)
    }

    @Test func startWindowIsTenMinutes() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        let late = testNow + 601
        let page = sandbox.handle(request(method: "GET", path: "/reflect/", query: "token=\(token)"), now: late)
        #expect(page.status == 410)
        #expect(text(page).contains("Token expired"))
        #expect(finish(sandbox, token: token, outcome: "pass", now: late).status == 410)
        let expired = try result(sandbox, token: token, now: late)
        #expect(int(expired["ErrorCode"]) == 15)
        #expect(expired["VerificationDetailList"] == .array([]))

        // Opened in time, the flow can still be finished later.
        let other = try applyToken(sandbox)
        #expect(sandbox.handle(request(method: "GET", path: "/reflect/", query: "token=\(other)"), now: testNow + 599).status == 200)
        #expect(finish(sandbox, token: other, outcome: "pass", now: late).status == 303)
    }

    @Test func resultsAreKeptThreeDays() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        _ = finish(sandbox, token: token, outcome: "pass")
        #expect(int(try result(sandbox, token: token, now: testNow + 259_200)["ErrorCode"]) == 0)
        #expect(string(try result(sandbox, token: token, now: testNow + 259_201)["Error"]?["Code"]) == "InvalidParameterValue.BizTokenExpired")
    }

    @Test func unknownAndMissingTokens() throws {
        let (sandbox, _) = makeSandbox()
        #expect(string(try result(sandbox, token: "81EEF678-28EE-4759-A82E-6CBBBE6BC442")["Error"]?["Code"]) == "InvalidParameterValue.BizTokenIllegal")
        let missing = try responseObject(sandbox.handle(apiRequest("GetWebVerificationResultIntl", "{}"), now: testNow))
        #expect(string(missing["Error"]?["Code"]) == "MissingParameter")
        #expect(string(missing["Error"]?["Message"])?.contains("BizToken") == true)
        let stray = try responseObject(sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken": "x", "Token": "y"}"#), now: testNow))
        #expect(string(stray["Error"]?["Code"]) == "UnknownParameter")
        #expect(finish(sandbox, token: "81EEF678-28EE-4759-A82E-6CBBBE6BC442", outcome: "pass").status == 404)
        #expect(finish(sandbox, token: "../../etc/passwd", outcome: "pass").status == 404)
        let token = try applyToken(sandbox)
        #expect(finish(sandbox, token: token, outcome: "maybe").status == 400)
    }

    @Test func ocrResultOnlyWithDocumentModes() throws {
        let (sandbox, _) = makeSandbox()
        for (mode, hasOCR) in [(1, true), (2, false), (3, false), (4, true)] {
            let token = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"CheckMode": \#(mode)}}"#)
            _ = finish(sandbox, token: token, outcome: "pass")
            let passed = try result(sandbox, token: token)
            #expect((passed["OCRResult"] != .null) == hasOCR, "CheckMode \(mode)")
            if mode == 3, case .array(let details)? = passed["VerificationDetailList"] {
                #expect(details.first?["CompareErrorCode"] == .null)
            }
        }
    }

    @Test func retriesUntilTheLimit() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"LivenessRetryLimit": 3}}"#)
        let first = finish(sandbox, token: token, outcome: "liveness", extra: "&retry=yes")
        #expect(first.status == 303)
        #expect(header(first, "Location")?.hasPrefix("/reflect/?token=\(token)") == true)
        #expect(try result(sandbox, token: token)["ErrorCode"] == .null)
        #expect(finish(sandbox, token: token, outcome: "mismatch", extra: "&retry=yes").status == 303)
        let last = finish(sandbox, token: token, outcome: "liveness", extra: "&retry=yes")
        #expect(header(last, "Location") == "https://a.example/?token=\(token)")
        let limited = try result(sandbox, token: token)
        #expect(int(limited["ErrorCode"]) == 16)
        guard case .array(let details)? = limited["VerificationDetailList"] else { Issue.record("no details"); return }
        #expect(details.map { int($0["ErrorCode"]) } == [1005, 2016, 1005])
    }

    @Test func mismatchNeedsAComparison() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"CheckMode": 3}}"#)
        let html = text(sandbox.handle(request(method: "GET", path: "/reflect/", query: "token=\(token)&step=capture"), now: testNow + 1))
        #expect(!html.contains(#"value="mismatch""#))
        #expect(finish(sandbox, token: token, outcome: "mismatch").status == 400)
        #expect(finish(sandbox, token: token, outcome: "pass").status == 303)
    }

    /// Tencent's own example of a liveness-only pass: no comparison ran, so its fields are null
    /// and Similarity 0 — never a similarity for a comparison that did not happen.
    @Test func livenessOnlyPassReportsNoComparison() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"CheckMode": 3}}"#)
        _ = finish(sandbox, token: token, outcome: "pass")
        guard case .array(let details)? = try result(sandbox, token: token)["VerificationDetailList"], let detail = details.first else {
            Issue.record("no details"); return
        }
        #expect(detail["CompareErrorCode"] == .null && detail["CompareErrorMsg"] == .null && detail["Similarity"] == .integer(0))
    }

    /// CheckMode 2 (the default) without a photo: the documents are silent, the sandbox refuses
    /// it (the strictest plausible answer, docs/SANDBOX.md).
    @Test func comparisonWithoutAPhotoIsRefused() throws {
        let (sandbox, _) = makeSandbox()
        for body in [#"{"RedirectURL": "https://a.example/"}"#, #"{"RedirectURL": "https://a.example/", "Config": {"CheckMode": 2}}"#] {
            let response = try responseObject(sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl", body), now: testNow))
            #expect(string(response["Error"]?["Code"]) == "InvalidParameterValue")
            #expect(string(response["Error"]?["Message"])?.contains("CompareImageBase64") == true)
        }
        // Mode 1 compares with the document's portrait: no photo needed.
        _ = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"CheckMode": 1}}"#)
    }

    /// Every documented code that ends an attempt can be produced (`outcome=code&code=N`) and
    /// Get reports it with Tencent's text, in the step the code belongs to.
    @Test func everyDocumentedFailingCodeIsReachable() throws {
        let (sandbox, _) = makeSandbox()
        let codes = BusinessCodes.table.map(\.code).filter { AttemptCodes(code: Int($0)) != nil }
        #expect(codes.count == BusinessCodes.table.count - 3, "all but 0, 16 and 17")
        for code in codes {
            let token = try applyToken(sandbox)
            #expect(finish(sandbox, token: token, outcome: "code", extra: "&code=\(code)").status == 303)
            let answer = try result(sandbox, token: token)
            #expect(int(answer["ErrorCode"]) == code && string(answer["ErrorMsg"]) == BusinessCodes.message(code))
            guard case .array(let details)? = answer["VerificationDetailList"], let detail = details.first else { Issue.record("\(code)"); continue }
            let comparison = BusinessCodes.meaning(code) == .failed(.comparison)
            #expect(int(detail["CompareErrorCode"]) == (comparison ? code : nil), "\(code)")
            #expect(int(detail["LivenessErrorCode"]) == (comparison ? 0 : code), "\(code)")
        }
        let token = try applyToken(sandbox)
        for bad in ["0", "16", "17", "99999", "x"] {
            #expect(finish(sandbox, token: token, outcome: "code", extra: "&code=\(bad)").status == 400, "\(bad)")
        }
    }

    @Test func passAfterAFailedAttempt() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        _ = finish(sandbox, token: token, outcome: "multiple-faces", extra: "&retry=yes")
        _ = finish(sandbox, token: token, outcome: "pass")
        let passed = try result(sandbox, token: token)
        #expect(int(passed["ErrorCode"]) == 0)
        guard case .array(let details)? = passed["VerificationDetailList"] else { Issue.record("no details"); return }
        #expect(details.count == 2)
    }
}

@Suite struct TimeTravelTests {
    func age(_ sandbox: SandboxHandler, token: String, seconds: Int64) -> HTTPResponse {
        sandbox.handle(request(path: "/sandbox/age", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                               body: Array("token=\(token)&seconds=\(seconds)".utf8)), now: testNow)
    }

    @Test func agedPastRetentionIsExpired() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        #expect(finish(sandbox, token: token, outcome: "pass", now: testNow + 1).status == 303)
        #expect(age(sandbox, token: token, seconds: 3 * 86_400).status == 204)
        let response = sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"\#(token)"}"#), now: testNow + 10)
        #expect(try errorCode(response) == "InvalidParameterValue.BizTokenExpired")
    }

    @Test func unknownTokenAndBadInput() {
        let (sandbox, _) = makeSandbox()
        #expect(age(sandbox, token: "00000000-0000-0000-0000-000000000000", seconds: 1).status == 404)
        #expect(age(sandbox, token: "x", seconds: -1).status == 400)
    }
}
