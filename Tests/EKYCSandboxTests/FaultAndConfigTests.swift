import EKYCGate
import FastCGI
import Testing
@testable import EKYCSandbox

@Suite struct FaultAndConfigTests {
    @Test func parsesFaults() {
        #expect(Fault(parsing: "latency=500") == .latency(milliseconds: 500))
        #expect(Fault(parsing: " HTTP500 ") == .http500)
        #expect(Fault(parsing: "nonjson") == .nonJSON)
        #expect(Fault(parsing: "truncate") == .truncate)
        #expect(Fault(parsing: "ratelimit") == .rateLimit)
        #expect(Fault(parsing: "internal") == .internalError)
        #expect(Fault(parsing: "latency=-1") == nil)
        #expect(Fault(parsing: "latency=600000") == nil)
        #expect(Fault(parsing: "reset") == .reset)
        #expect(Fault(parsing: "explode") == nil)
        #expect(Fault(parsing: " Verification_URL=https://evil.example\\.faceid.qq.com/\tX") == .verificationURL("https://evil.example\\.faceid.qq.com/\tX"))
    }

    func get(_ sandbox: SandboxHandler, fault: String?) -> HTTPResponse {
        var headers: [String: String] = [:]
        if let fault { headers[Fault.headerName] = fault }
        return sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"X"}"#, extraHeaders: headers), now: testNow)
    }

    @Test func headerFaults() throws {
        let (sandbox, _) = makeSandbox()
        #expect(get(sandbox, fault: "http500").status == 500)
        let nonJSON = get(sandbox, fault: "nonjson")
        #expect(nonJSON.status == 200 && header(nonJSON, "Content-Type") == "application/json")
        #expect(throws: (any Error).self) { try responseObject(nonJSON) }
        #expect(try errorCode(get(sandbox, fault: "ratelimit")) == "RequestLimitExceeded")
        #expect(try errorCode(get(sandbox, fault: "internal")) == "InternalError")
        let cut = get(sandbox, fault: "truncate")
        #expect(Int(header(cut, "Content-Length") ?? "") == cut.body.count * 2 || Int(header(cut, "Content-Length") ?? "") == cut.body.count * 2 + 1)
        #expect(try errorCode(get(sandbox, fault: "latency=0")) == "InvalidParameterValue.BizTokenIllegal")
        #expect(try errorCode(get(sandbox, fault: "bogus")) == "InvalidParameterValue.BizTokenIllegal")
    }

    @Test func configuredFaultAndHeaderSwitch() throws {
        var (sandbox, _) = makeSandbox()
        sandbox.fault = .internalError
        sandbox.faultHeader = false
        #expect(try errorCode(get(sandbox, fault: "http500")) == "InternalError")
        // Pages are never faulted.
        #expect(sandbox.handle(request(method: "GET", path: "/reflect/", query: "token=x"), now: testNow).status == 404)
    }

    @Test func readsAConfigFile() throws {
        let file = try ConfigFile(parsing: """
            page_url = http://localhost:8081/reflect/
            secret_id = AKIDtest
            secret_key = key
            workers = 2
            rate_limit = off
            fault = latency=250
            fault_header = off
            """, path: "sandbox.conf")
        let config = try SandboxConfig(file, environment: [:])
        #expect(config.credentials == Credentials(secretId: "AKIDtest", secretKey: "key"))
        #expect(config.pageURL == "http://localhost:8081/reflect/")
        #expect(config.workers == 2 && !config.rateLimit && !config.faultHeader)
        #expect(config.fault == .latency(milliseconds: 250))
    }

    @Test(arguments: [
        ("secret_id = a\nsecret_key = b\n", "page_url"),
        ("page_url = /reflect/\nsecret_id = a\nsecret_key = b\n", "page_url"),
        ("page_url = http://h/reflect/?x=1\nsecret_id = a\nsecret_key = b\n", "page_url"),
        ("page_url = http://h/reflect/\nsecret_id = a\nsecret_key = b\nratelimit = on\n", "rate_limit"),
        ("page_url = http://h/reflect/\nsecret_id = a\nsecret_key = b\nfault = explode\n", "fault"),
        ("page_url = http://h/reflect/\n", "credentials"),
    ])
    func rejectsBadConfig(text: String, mentions: String) throws {
        let file = try ConfigFile(parsing: text, path: "sandbox.conf")
        do {
            _ = try SandboxConfig(file, environment: [:])
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.contains(mentions), "\(error.message)")
        }
    }
}

@Suite struct FaultDescriptionTests {
    @Test(arguments: ["latency=500", "http500", "nonjson", "truncate", "ratelimit", "internal", "verification_url=https://A.example\\x"])
    func roundTrips(text: String) {
        #expect(Fault(parsing: text)?.description == text)
    }
}

@Suite struct ExtraFaultTests {
    @Test func applyFaultNamedInExtra() throws {
        let (sandbox, _) = makeSandbox()
        let response = sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl",
                                                 #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL":"https://a.example/","Extra":"sandbox-fault:apply:ratelimit"}"#), now: testNow)
        #expect(try errorCode(response) == "RequestLimitExceeded")
    }

    @Test func getFaultNamedInExtraLetsApplySucceed() throws {
        let (sandbox, _) = makeSandbox()
        let applied = sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl",
                                                #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL":"https://a.example/","Extra":"sandbox-fault:get:internal"}"#), now: testNow)
        #expect(try errorCode(applied) == nil)
        guard case .string(let token)? = try responseObject(applied)["BizToken"] else { Issue.record("no BizToken"); return }
        let got = sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"\#(token)"}"#), now: testNow)
        #expect(try errorCode(got) == "InternalError")
    }

    @Test func applyAnswersTheVerificationURLNamedInExtra() throws {
        let (sandbox, _) = makeSandbox()
        let hostile = "https://evil.example\\.faceid.qq.com/\n"
        let extra = String(decoding: JSONValue.string("sandbox-fault:apply:verification_url=" + hostile).bytes, as: UTF8.self)
        let response = sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl", #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL":"https://a.example/","Extra":"# + extra + "}"),
                                      now: testNow)
        let answer = try responseObject(response)
        #expect(answer["VerificationURL"] == .string(hostile) && answer["VerificationUrl"] == .string(hostile))
        guard case .string(let token)? = answer["BizToken"] else { Issue.record("no BizToken"); return }
        let got = sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken":"\#(token)"}"#), now: testNow)
        #expect(try errorCode(got) == nil, "Get of that token answers normally")
    }

    @Test func ordinaryExtraIsNoFault() throws {
        let (sandbox, _) = makeSandbox()
        let response = sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl",
                                                 #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL":"https://a.example/","Extra":"order-42"}"#), now: testNow)
        #expect(try errorCode(response) == nil)
    }
}
