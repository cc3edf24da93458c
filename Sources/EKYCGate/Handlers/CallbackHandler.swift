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

    /// Final records already seen by this process (shared by its workers); nil to always read the store.
    public let finals: FinalResultCache?

    public init(config: HandlerConfig, api: any FaceIDAPI, store: any TokenStore, finals: FinalResultCache? = nil,
                clock: @escaping () -> Int64 = WallClock.seconds) {
        self.config = config
        self.api = api
        self.store = store
        self.finals = finals
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
        let caller: Caller
        switch Caller.of(request, token: token, linkKey: config.linkKey, now: clock()) {
        case .success(let found): caller = found
        case .failure(let refusal): return refusal.response
        }
        var response = answer(token: token, caller: caller)
        response.logFields.insert(tokenLog, at: 0)
        if case .backend = caller { response.logFields.append(("caller", "backend")) }
        return response
    }

    /// Who asks: the browser that started the flow (its session cookie), or the merchant's
    /// backend with a link signed over the token (`?token=T&exp=E&sig=HMAC(link_key, T + "\n" + E)`),
    /// which needs no cookie and may receive face images when `expose_media` is on.
    enum Caller {
        case browser(cookie: String?)
        case backend

        static func of(_ request: HTTPRequest, token: String, linkKey: String?, now: Int64) -> Result<Caller, Refusal> {
            let query = FormEncoding.parse(request.queryString) ?? []
            let value = { (name: String) in query.first { $0.name == name }?.value }
            guard value("sig") != nil || value("exp") != nil else {
                return .success(.browser(cookie: request.header("Cookie")))
            }
            guard let linkKey else {
                return .failure(Refusal(403, "bad_link", "this server has no link_key, so it cannot check signed result requests"))
            }
            switch SignedLink.verify(ref: token, exp: value("exp"), sig: value("sig"), key: linkKey, now: now) {
            case .valid: return .success(.backend)
            case .expired: return .failure(Refusal(403, "link_expired", "this signed result request has expired; sign a new one"))
            case .invalid(let why): return .failure(Refusal(403, "bad_link", why))
            }
        }
    }

    private func answer(token: String, caller: Caller) -> HTTPResponse {
        var record: TokenRecord
        do {
            guard let found = try finals?.record(token) ?? store.load(token: token) else {
                return Answers.error(404, code: "unknown_token", message: "no verification with this token was started here")
            }
            record = found
            finals?.keep(record)
        } catch {
            RequestLog.write("event=store_error \(error)")
            return Answers.error(503, code: "store_unavailable", message: "the token store cannot be read; retry shortly",
                                 headers: [("Retry-After", "2")])
        }
        if case .browser(let cookieHeader) = caller,
           !SessionID.matches(Cookies.value(config.cookieName, in: cookieHeader), hash: record.sessionHash, key: config.sessionKey) {
            return Answers.error(403, code: "session_mismatch",
                                 message: "this verification was started in another browser session; finish it where it started")
        }
        let withMedia = config.exposeMedia && { if case .backend = caller { true } else { false } }()
        // Face images and video are never stored, so a backend that wants them asks the API again.
        if record.status.isFinal && !withMedia { return Self.resultAnswer(record) }
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
        do {
            try store.save(record)
            finals?.keep(record)
        } catch {
            // The verdict is still right; only the cache failed, so the next call asks the API again.
            RequestLog.write("event=store_error \(error)")
        }
        var final = Self.resultAnswer(record, media: withMedia ? result : nil)
        final.logFields.append(("tc_request", result.requestId ?? "-"))
        return final
    }

    /// The result JSON of DESIGN.md. `live` is the API answer while the record is still pending.
    /// `media`, when given, adds the face images, video and OCR results of that API answer.
    static func resultAnswer(_ record: TokenRecord, live: GetResultResponse? = nil, media: GetResultResponse? = nil) -> HTTPResponse {
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
        if let media {
            fields += [
                ("bestFrameBase64", .optional(media.bestFrameBase64)),
                ("videoBase64", .optional(media.videoBase64)),
                ("ocrResult", media.ocrResult.map { .array($0.map(Self.ocrJSON)) } ?? .null),
            ]
        }
        switch record.status {
        case .pending:
            return Answers.json(202, .object(fields), headers: [("Retry-After", String(pendingRetrySeconds))])
        case .expired:
            return Answers.json(410, .object(fields))
        case .passed, .failed:
            return Answers.json(200, .object(fields))
        }
    }

    static func ocrJSON(_ result: OCRResult) -> JSONValue {
        .object([
            ("isPass", result.isPass.map(JSONValue.bool) ?? .null),
            ("cardImageBase64", .optional(result.cardImageBase64)),
            ("cardInfo", result.cardInfo ?? .null),
            ("normalCardInfo", result.normalCardInfo ?? .null),
            ("requestId", .optional(result.requestId)),
            ("cardCutImageBase64", .optional(result.cardCutImageBase64)),
            ("cardBackCutImageBase64", .optional(result.cardBackCutImageBase64)),
            ("warnCardInfos", result.warnCardInfos.map { .array($0.map(JSONValue.integer)) } ?? .null),
            ("originalCardInfo", .optional(result.originalCardInfo)),
            ("headImageBase64", .optional(result.headImageBase64)),
            ("cardBackImageBase64", .optional(result.cardBackImageBase64)),
        ])
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
