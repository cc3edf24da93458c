import Foundation
import FastCGI
import EKYCGate

/// An in-memory FaceID API: scripted answers, every call recorded.
final class FakeFaceID: FaceIDAPI, @unchecked Sendable {
    var applyAnswer: Result<ApplyResponse, FaceIDError> = .success(ApplyResponse(
        bizToken: "81EEF678-28EE-4759-A82E-6CBBBE6BC442",
        verificationURL: "https://intl.faceid.qq.com/reflect/?token=81EEF678-28EE-4759-A82E-6CBBBE6BC442", requestId: "req-apply"))
    var resultAnswer: Result<GetResultResponse, FaceIDError> = .success(GetResultResponse(requestId: "req-get"))
    /// Answers for particular tokens; any other token gets `resultAnswer`.
    var resultAnswers: [String: Result<GetResultResponse, FaceIDError>] = [:]
    var applied: [ApplyRequest] = []
    var resultCalls = 0
    /// The tokens asked about, in order.
    var asked: [String] = []

    func apply(_ request: ApplyRequest) throws(FaceIDError) -> ApplyResponse {
        applied.append(request)
        return try applyAnswer.get()
    }

    func getResult(bizToken: String) throws(FaceIDError) -> GetResultResponse {
        resultCalls += 1
        asked.append(bizToken)
        return try (resultAnswers[bizToken] ?? resultAnswer).get()
    }
}

enum Fixtures {
    static let token = "81EEF678-28EE-4759-A82E-6CBBBE6BC442"

    static let secretKey = "key"

    /// A session cookie value issued under `config()`'s key, its random part all `byte`.
    static func session(_ byte: UInt8) -> String {
        SessionID.make(random: Array(repeating: byte, count: 32), key: SessionID.key(secret: secretKey))
    }

    static func config(_ extra: [String: String] = [:]) throws -> HandlerConfig {
        var values = ["secret_id": "AKIDtest", "secret_key": secretKey, "redirect_url": "https://shop.example.com/ekyc/done",
                      "store": "file:/nonexistent"]
        values.merge(extra) { $1 }
        // Parsed, then the files it names read (the loading step), then checked: as at start-up.
        let file = ConfigFile(path: "test.conf", values: values)
        return try HandlerConfig(file: file, environment: [:], files: try ReferencedFiles.load(for: file))
    }

    static func get(_ path: String, query: String = "", cookie: String? = nil, accept: String? = nil) -> HTTPRequest {
        var params = ["REQUEST_METHOD": "GET", "DOCUMENT_URI": path, "QUERY_STRING": query]
        params["HTTP_COOKIE"] = cookie
        params["HTTP_ACCEPT"] = accept
        return HTTPRequest(params: params)
    }

    static func post(_ path: String, contentType: String, body: [UInt8]) -> HTTPRequest {
        HTTPRequest(params: ["REQUEST_METHOD": "POST", "DOCUMENT_URI": path, "CONTENT_TYPE": contentType,
                             "CONTENT_LENGTH": String(body.count)], body: body)
    }

    static func json(_ response: HTTPResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    static func header(_ response: HTTPResponse, _ name: String) -> String? {
        response.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The session cookie value from a start answer's Set-Cookie.
    static func sessionCookie(_ response: HTTPResponse) -> String? {
        guard let setCookie = header(response, "Set-Cookie") else { return nil }
        return setCookie.split(separator: ";").first.map { String($0) }
    }

    /// The smallest JPEG header and a PNG signature: enough for content sniffing.
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01]
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
}
