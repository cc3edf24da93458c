#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import HTTPClient

/// Calls the FaceID API: JSON body, TC3-signed headers, one reused curl easy handle (so one
/// instance per worker thread), `Response.Error` turned into `FaceIDError.api`.
public final class FaceIDClient: FaceIDAPI {
    private let credentials: Credentials
    private let endpoint: FaceIDEndpoint
    private let http: HTTPClient
    private let clock: () -> Int64

    public init(credentials: Credentials, endpoint: FaceIDEndpoint, options: HTTPClientOptions,
                clock: @escaping () -> Int64 = WallClock.seconds) throws(HTTPClientError) {
        self.credentials = credentials
        self.endpoint = endpoint
        self.http = try HTTPClient(options: options)
        self.clock = clock
    }

    public func apply(_ request: ApplyRequest) throws(FaceIDError) -> ApplyResponse {
        // Never retried once bytes may have left: a second Apply would issue a second token.
        try call(action: "ApplyWebVerificationBizTokenIntl", payload: request.jsonPayload(), retryWhenSent: false)
    }

    public func getResult(bizToken: String) throws(FaceIDError) -> GetResultResponse {
        // Read-only, so one retry on a transient network failure is safe.
        let payload: [UInt8]
        do { payload = Array(try Self.encoder.encode(GetResultRequest(bizToken: bizToken))) } catch {
            throw .malformed("could not encode the GetWebVerificationResultIntl request: \(error)")
        }
        return try call(action: "GetWebVerificationResultIntl", payload: payload, retryWhenSent: true)
    }

    private func call<Answer: Decodable>(action: String, payload: [UInt8], retryWhenSent: Bool) throws(FaceIDError) -> Answer {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try send(action: action, payload: payload)
                return try FaceIDResponseDecoder.decode(Answer.self, status: response.status,
                                                        contentType: response.headers["content-type"], body: response.body)
            } catch {
                guard attempt == 1, case .transport(let transport) = error,
                      transport.kind == .network, retryWhenSent || transport.requestNotSent else { throw error }
            }
        }
    }

    /// `X-TC-Language` as the official intl SDK sends it (its default; `zh-CN` is the other
    /// value): Tencent's error messages, which reach the browser, then come in English.
    static let language = "en-US"
    static let contentType = "application/json"

    /// The headers of one call: the signed ones (Content-Type, Host) come from the very
    /// `SigningInput` that was signed, so what is signed and what is sent cannot drift apart.
    static func headers(action: String, endpoint: FaceIDEndpoint, credentials: Credentials, payload: [UInt8],
                        timestamp: Int64) -> [(String, String)] {
        let input = SigningInput(service: FaceIDEndpoint.service, host: endpoint.host, contentType: contentType, payload: payload)
        let signature = TC3Signer.sign(credentials, input, timestamp: timestamp)
        return input.signedHeaderFields.map { ($0.name, $0.value) } + [
            ("X-TC-Action", action),
            ("X-TC-Version", FaceIDEndpoint.version),
            ("X-TC-Timestamp", String(timestamp)),
            ("X-TC-Region", endpoint.region),
            ("X-TC-Language", language),
            ("X-TC-RequestClient", "ekyc-gate"),
            ("Authorization", signature.authorization),
        ]
    }

    private func send(action: String, payload: [UInt8]) throws(FaceIDError) -> HTTPClientResponse {
        let headers = Self.headers(action: action, endpoint: endpoint, credentials: credentials, payload: payload, timestamp: clock())
        do { return try http.post(url: endpoint.url, headers: headers, body: payload) } catch {
            throw .transport(error)
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}

/// Turns an HTTP answer of the API into a model or a `FaceIDError`, without any I/O.
public enum FaceIDResponseDecoder {
    private struct APIError: Decodable {
        var Code: String?
        var Message: String?
    }

    /// `{"Response": …}` read in one pass: an `Error` in it, or else the answer. Whether the answer
    /// matched is kept apart from whether there was a `Response` object at all, for the messages.
    private struct Envelope<Answer: Decodable>: Decodable {
        enum Content {
            case error(APIError, requestId: String?)
            case answer(Result<Answer, any Error>)
        }
        let content: Content

        private enum Keys: String, CodingKey { case Response }
        private enum ResponseKeys: String, CodingKey { case Error, RequestId }

        init(from decoder: any Decoder) throws {
            let outer = try decoder.container(keyedBy: Keys.self)
            let response = try outer.nestedContainer(keyedBy: ResponseKeys.self, forKey: .Response)
            let error = try response.decodeIfPresent(APIError.self, forKey: .Error)
            let requestId = try response.decodeIfPresent(String.self, forKey: .RequestId)
            if let error {
                content = .error(error, requestId: requestId)
            } else {
                content = .answer(Result { try outer.decode(Answer.self, forKey: .Response) })
            }
        }
    }

    public static func decode<Answer: Decodable>(_ type: Answer.Type, status: Int, contentType: String?, body: [UInt8]) throws(FaceIDError) -> Answer {
        guard status == 200 else {
            throw .httpStatus(status, bodyStart: String(decoding: body.prefix(200), as: UTF8.self))
        }
        let envelope: Envelope<Answer>
        do { envelope = try JSONDecoder().decode(Envelope<Answer>.self, from: Data(body)) } catch {
            let start = String(decoding: body.prefix(80), as: UTF8.self)
            throw .malformed("no JSON object with \"Response\" (content-type \(contentType ?? "none"), \(body.count) bytes, starting \(start.debugDescription))")
        }
        switch envelope.content {
        case .error(let apiError, let requestId):
            throw .api(code: apiError.Code ?? "UnknownError", message: apiError.Message ?? "", requestId: requestId)
        case .answer(.success(let answer)):
            return answer
        case .answer(.failure(let error)):
            throw .malformed("Response does not match \(Answer.self): \(error)")
        }
    }
}
