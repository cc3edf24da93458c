public import FastCGI

/// `GET /ekyc/callback?token=…`: checks the token against the store and the browser's
/// session, asks the API for the result until it is final, stores the final result, and
/// answers it as JSON. Once final, later calls are answered from the store alone.
public struct CallbackHandler {
    public let config: HandlerConfig
    public let api: any FaceIDAPI
    public let store: any TokenStore
    public let clock: () -> Int64
    /// Seconds a browser should wait before asking again while the user is still on the page.
    public static let pendingRetrySeconds = 2

    public init(config: HandlerConfig, api: any FaceIDAPI, store: any TokenStore, clock: @escaping () -> Int64 = WallClock.seconds) {
        self.config = config
        self.api = api
        self.store = store
        self.clock = clock
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        Answers.fillingRequestId(respond(to: request), from: request)
    }

    private func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return Answers.error(405, code: "method_not_allowed", message: "use GET for /ekyc/callback", headers: [("Allow", "GET")])
        }
        guard let token = FormEncoding.value("token", in: request.queryString), TokenFormat.isValid(token) else {
            return Answers.error(400, code: "bad_token", message: "missing or malformed ?token=; open this page from the eKYC redirect")
        }
        let tokenLog = ("token", TokenFormat.logID(token))
        var response = answer(token: token, cookie: Cookies.value(config.cookieName, in: request.header("Cookie")))
        response.logFields.insert(tokenLog, at: 0)
        return response
    }

    private func answer(token: String, cookie: String?) -> HTTPResponse {
        var record: TokenRecord
        do {
            guard let found = try store.load(token: token) else {
                return Answers.error(404, code: "unknown_token", message: "no verification with this token was started here")
            }
            record = found
        } catch {
            RequestLog.write("event=store_error \(error)")
            return Answers.error(503, code: "store_unavailable", message: "the token store cannot be read; retry shortly",
                                 headers: [("Retry-After", "2")])
        }
        guard SessionID.matches(cookie, hash: record.sessionHash) else {
            return Answers.error(403, code: "session_mismatch",
                                 message: "this verification was started in another browser session; finish it where it started")
        }
        if record.status.isFinal { return Self.resultAnswer(record) }
        if clock() > record.keepUntil {
            record.status = .expired
            return Self.resultAnswer(record)
        }

        let result: GetResultResponse
        do { result = try api.getResult(bizToken: token) } catch {
            if case let .api(code, _, _) = error, code == "InvalidParameterValue.BizTokenExpired" {
                record.status = .expired
                try? store.save(record)
                return Self.resultAnswer(record)
            }
            return UpstreamErrors.response(for: error, action: "GetWebVerificationResultIntl")
        }
        guard let errorCode = result.errorCode else {
            var pending = Self.resultAnswer(record, live: result)
            pending.logFields.append(("tc_request", result.requestId ?? "-"))
            return pending
        }
        let attempts = result.verificationDetailList ?? []
        record.status = errorCode == 0 ? .passed : .failed
        record.result = StoredResult(
            errorCode: errorCode, errorMsg: result.errorMsg,
            reason: errorCode == 0 ? nil : ResultReason.of(errorCode: errorCode, detail: attempts.last).rawValue,
            attempts: attempts, requestId: result.requestId, completed: clock())
        do { try store.save(record) } catch {
            // The verdict is still right; only the cache failed, so the next call asks the API again.
            RequestLog.write("event=store_error \(error)")
        }
        var final = Self.resultAnswer(record)
        final.logFields.append(("tc_request", result.requestId ?? "-"))
        return final
    }

    /// The result JSON of DESIGN.md. `live` is the API answer while the record is still pending.
    static func resultAnswer(_ record: TokenRecord, live: GetResultResponse? = nil) -> HTTPResponse {
        let stored = record.result
        let attempts = stored?.attempts ?? live?.verificationDetailList ?? []
        var fields: [(String, JSONValue)] = [
            ("token", .string(record.token)),
            ("status", .string(record.status.rawValue)),
            ("errorCode", .optional(stored?.errorCode)),
            ("errorMsg", .optional(stored?.errorMsg)),
        ]
        if record.status == .failed { fields.append(("reason", .optional(stored?.reason))) }
        if record.status == .expired { fields.append(("reason", .string(ResultReason.expired.rawValue))) }
        fields += [
            ("extra", .optional(record.extra)),
            ("attempts", .array(attempts.map(attemptJSON))),
            ("requestId", .optional(stored?.requestId ?? live?.requestId)),
        ]
        switch record.status {
        case .pending:
            return Answers.json(202, .object(fields), headers: [("Retry-After", String(pendingRetrySeconds))])
        case .expired:
            return Answers.json(410, .object(fields))
        case .passed, .failed:
            return Answers.json(200, .object(fields))
        }
    }

    static func attemptJSON(_ detail: VerificationDetail) -> JSONValue {
        .object([
            ("seq", .optional(detail.seq)),
            ("errorCode", .optional(detail.errorCode)),
            ("errorMsg", .optional(detail.errorMsg)),
            ("livenessErrorCode", .optional(detail.livenessErrorCode)),
            ("compareErrorCode", .optional(detail.compareErrorCode)),
            ("similarity", .optional(detail.similarity)),
            ("at", .optional(detail.reqTimestamp.map { WallClock.iso8601(seconds: Int64($0 / 1000)) })),
        ])
    }
}
