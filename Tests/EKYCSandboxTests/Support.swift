#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EKYCGate
import FastCGI
@testable import EKYCSandbox

/// The key pair the sandbox under test accepts (the one the SDK vectors were signed with).
let testCredentials = Credentials(secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000")
let testHost = "localhost:8443"
let testPageURL = "http://localhost:8081/reflect/"
/// 2026-03-15 08:30:00 UTC, the time of the SDK's captured Apply.
let testNow: Double = 1_773_563_400

/// A sandbox with a fresh store and no rate limit.
func makeSandbox(rateLimit: Bool = false, credentials: Credentials = testCredentials) -> (SandboxHandler, MemoryVerificationStore) {
    let config = SandboxConfig(credentials: credentials, pageURL: testPageURL, rateLimit: rateLimit)
    let store = MemoryVerificationStore()
    let api = SandboxAPI(authenticator: RequestAuthenticator(credentials: config.credentials), store: store,
                         pageURL: config.pageURL, rateLimiter: rateLimit ? RateLimiter() : nil)
    return (SandboxHandler(api: api, page: SandboxPage(store: store)), store)
}

/// A request as nginx hands it over: headers become `HTTP_*` params.
func request(method: String = "POST", path: String = "/", query: String = "", headers: [String: String] = [:],
             body: [UInt8] = []) -> HTTPRequest {
    var params = ["REQUEST_METHOD": method, "DOCUMENT_URI": path, "QUERY_STRING": query, "CONTENT_LENGTH": String(body.count)]
    for (name, value) in headers {
        let key = name.uppercased().map { $0 == "-" ? "_" : $0 }
        let text = String(key)
        params[text == "CONTENT_TYPE" ? text : "HTTP_" + text] = value
    }
    return HTTPRequest(params: params, body: body)
}

/// An API call signed as the official SDK signs it.
func apiRequest(_ action: String, _ json: String, timestamp: Int64 = Int64(testNow),
                credentials: Credentials = testCredentials, extraHeaders: [String: String] = [:]) -> HTTPRequest {
    let body = Array(json.utf8)
    let signature = TC3Signer.sign(credentials, SigningInput(service: "faceid", host: testHost, payload: body), timestamp: timestamp)
    var headers = [
        "Content-Type": "application/json", "Host": testHost, "X-TC-Action": action,
        "X-TC-Timestamp": String(timestamp), "X-TC-Version": "2018-03-01", "X-TC-Region": "ap-singapore",
        "Authorization": signature.authorization,
    ]
    headers.merge(extraHeaders) { _, new in new }
    return request(headers: headers, body: body)
}

/// `Response` of an API answer, after checking the envelope every answer shares.
func responseObject(_ response: HTTPResponse) throws -> JSONValue {
    let value = try JSONDecoder().decode(JSONValue.self, from: Data(response.body))
    guard let inner = value["Response"] else { throw TestFailure("no Response in \(String(decoding: response.body, as: UTF8.self))") }
    return inner
}

func errorCode(_ response: HTTPResponse) throws -> String? {
    guard case .string(let code)? = try responseObject(response)["Error"]?["Code"] else { return nil }
    return code
}

func header(_ response: HTTPResponse, _ name: String) -> String? {
    response.headers.last { $0.name.lowercased() == name.lowercased() }?.value
}

func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

func string(_ value: JSONValue?) -> String? {
    if case .string(let text)? = value { return text }
    return nil
}

func int(_ value: JSONValue?) -> Int64? {
    if case .integer(let number)? = value { return number }
    return nil
}

/// A JSON number either way it was written (`94` or `93.5`): whole numbers read back as integers.
func number(_ value: JSONValue?) -> Double? {
    switch value {
    case .number(let number)?: number
    case .integer(let number)?: Double(number)
    default: nil
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Applies with `json` and returns the BizToken.
func applyToken(_ sandbox: SandboxHandler, _ json: String = #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://merchant.example.com/done"}"#,
                now: Double = testNow) throws -> String {
    let response = sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl", json, timestamp: Int64(now)), now: now)
    guard let token = string(try responseObject(response)["BizToken"]) else { throw TestFailure("no BizToken: \(text(response))") }
    return token
}

func finish(_ sandbox: SandboxHandler, token: String, outcome: String, extra: String = "", now: Double = testNow + 60) -> HTTPResponse {
    let form = "token=\(token)&outcome=\(outcome)\(extra)"
    return sandbox.handle(request(path: "/reflect/finish", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                  body: Array(form.utf8)), now: now)
}

func result(_ sandbox: SandboxHandler, token: String, now: Double = testNow + 120) throws -> JSONValue {
    let response = sandbox.handle(apiRequest("GetWebVerificationResultIntl", #"{"BizToken": "\#(token)"}"#, timestamp: Int64(now)), now: now)
    return try responseObject(response)
}
