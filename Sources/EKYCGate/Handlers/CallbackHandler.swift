public import FastCGI

/// `GET /ekyc/callback?token=…`: checks the token against the store and the browser's
/// session, asks the API for the result until it is final, stores the final result, and
/// answers it as JSON. Once final, later calls are answered from the store alone.
///
/// A pending result is asked of the API at most once per `pending_recheck` per token, whoever
/// polls; in between the last answer is repeated with `Retry-After`. Every API call is counted
/// against the caller's shares and the API budget first (`QuotaGuard`).
public struct CallbackHandler {
    public let config: HandlerConfig
    public let api: any FaceIDAPI
    public let store: any TokenStore
    public let recorder: ResultRecorder
    public let quota: QuotaGuard
    public let clock: () -> Int64

    /// Final records already seen by this process (shared by its workers); nil to always read the store.
    public let finals: FinalResultCache?
    /// The latest pending answer of the API per token, repeated to polls between two rechecks.
    public let pendingAnswers: BoundedCache<GetResultResponse>?

    public init(config: HandlerConfig, api: any FaceIDAPI, store: any TokenStore, finals: FinalResultCache? = nil,
                pendingAnswers: BoundedCache<GetResultResponse>? = nil, limiter: any RateLimiter = MemoryRateLimiter(),
                events: (any EventOutbox)? = nil, clock: @escaping () -> Int64 = WallClock.seconds,
                milliseconds: @escaping @Sendable () -> Int64 = WallClock.milliseconds) {
        self.config = config
        self.api = api
        self.store = store
        self.recorder = ResultRecorder(store: store, events: events)
        self.finals = finals
        self.pendingAnswers = pendingAnswers
        self.quota = QuotaGuard(limiter: limiter, limits: config.limits, clock: milliseconds)
        self.clock = clock
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        Answers.identified(respond(to: request), for: request)
    }

    private func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return Answers.error(405, code: "method_not_allowed", message: "use GET for /ekyc/callback", headers: [("Allow", "GET")])
        }
        let token: String, caller: Caller
        if let id = Self.verificationID(inPath: request.path) {
            // GET /ekyc/verifications/ID: the merchant's backend, signed in a header.
            guard TokenFormat.isValid(id) else {
                return Answers.error(400, code: "bad_token", message: "the verification id in the path is malformed")
            }
            switch BackendSignature.verify(request, path: request.path, key: config.linkKey, now: clock()) {
            case .valid: (token, caller) = (id, .backend(signature: nil))
            case .missing:
                return Answers.error(403, code: "signature_required", message: "reading a verification by id needs the \(BackendSignature.header) header of the merchant's backend")
            case .invalid(let why):
                return Answers.error(403, code: "bad_signature", message: why)
            }
        } else {
            guard let given = FormEncoding.value("token", in: request.queryString), TokenFormat.isValid(given) else {
                return Answers.error(400, code: "bad_token", message: "missing or malformed ?token=; open this page from the eKYC redirect")
            }
            token = given
            switch Caller.of(request, token: token, linkKey: config.linkKey, now: clock(), maxLifetime: config.limits.maxLinkLifetimeSeconds) {
            case .success(let found): caller = found
            case .failure(let refusal): return refusal.response
            }
        }
        let tokenLog = LogField("token", TokenFormat.logID(token))
        var response = answer(token: token, caller: caller, request: request)
        response.logFields.insert(tokenLog, at: 0)
        if case .backend = caller { response.logFields.append(LogField("caller", "backend")) }
        return response
    }

    /// The ID of `…/verifications/ID`, nil for any other path.
    static func verificationID(inPath path: String) -> String? {
        guard let range = path.firstUTF8Range(of: "/verifications/") else { return nil }
        return String(path[range.upperBound...])
    }

    /// Who asks: the browser that started the flow (its session cookie), or the merchant's
    /// backend with a request signed over the token (`SignedLink`, purpose `result-read`),
    /// which needs no cookie and may receive face images when `expose_media` is on.
    enum Caller {
        case browser(cookie: String?)
        /// The signature of a signed result request; nil for a request signed in the header.
        case backend(signature: String?)

        static func of(_ request: HTTPRequest, token: String, linkKey: String?, now: Int64, maxLifetime: Int64) -> Result<Caller, Refusal> {
            let query = FormEncoding.parse(request.queryString) ?? []
            let value = { (name: String) in query.first { $0.name == name }?.value }
            guard value("sig") != nil || value("exp") != nil else {
                return .success(.browser(cookie: request.header("Cookie")))
            }
            guard let linkKey else {
                return .failure(Refusal(403, "bad_link", "this server has no link_key, so it cannot check signed result requests"))
            }
            switch SignedLink.verify(.resultRead, subject: token, exp: value("exp"), sig: value("sig"), key: linkKey, now: now,
                                     maxLifetime: maxLifetime) {
            case .valid: return .success(.backend(signature: (value("sig") ?? "").lowercased()))
            case .expired: return .failure(Refusal(403, "link_expired", "this signed result request has expired; sign a new one"))
            case .tooLong(let most):
                return .failure(Refusal(403, "link_lifetime", "this signed result request is valid for longer than this server accepts (max_link_lifetime, \(most) s); sign it with a nearer exp"))
            case .invalid(let why): return .failure(Refusal(403, "bad_link", why))
            }
        }
    }

    private func answer(token: String, caller: Caller, request: HTTPRequest) -> HTTPResponse {
        let record: TokenRecord
        if let cached = finals?.record(token) {
            record = cached
        } else {
            let found: TokenRecord?
            do { found = try store.load(token: token) } catch {
                return Answers.storeUnavailable(error, message: "the token store cannot be read; retry shortly")
            }
            guard let found else {
                return Answers.error(404, code: "unknown_token", message: "no verification with this token was started here")
            }
            record = found
            finals?.keep(record)
        }
        if case .browser(let cookieHeader) = caller {
            let presented = Cookies.value(config.cookieName, in: cookieHeader)
            guard presented != nil else { return noSessionCookie(request) }
            guard SessionID.matches(presented, hash: record.sessionHash, key: config.sessionKey) else {
                return Answers.error(403, code: "session_mismatch",
                                     message: "this verification was started in another browser session; finish it where it started")
            }
        }
        let withMedia = config.exposeMedia && { if case .backend = caller { true } else { false } }()
        // Face images and video are never stored, so a backend that wants them asks the API again.
        if record.status.isFinal && !withMedia { return Self.resultAnswer(record) }
        if clock() > record.keepUntil { return Self.resultAnswer(ResultRecorder.expired(record, now: clock())) }

        if record.status == .pending {
            switch quota.recheck(token: token) {
            case .success: break
            case .failure(.wait(let seconds)):
                return Self.resultAnswer(record, live: pendingAnswers?.value(token), retryAfter: seconds)
            case .failure(.unavailable(let refusal)):
                return refusal.response
            }
        }
        if let refusal = quota.admit(.getResult, shares: shares(caller, request: request)) { return refusal.response }

        let result: GetResultResponse
        do { result = try api.getResult(bizToken: token) } catch {
            if let expired = ResultRecorder.verdict(record, error: error, now: clock()) {
                return Self.resultAnswer(remember((try? recorder.keep(expired, now: clock())) ?? expired))
            }
            return UpstreamErrors.response(for: error, action: "GetWebVerificationResultIntl")
        }
        guard let final = ResultRecorder.verdict(record, answer: result, now: clock()) else {
            pendingAnswers?.keep(result, for: token)
            var pending = Self.resultAnswer(record, live: result, retryAfter: config.limits.pendingRecheckSeconds)
            pending.logFields.append(LogField("tc_request", result.requestId ?? "-"))
            return pending
        }
        let stored: TokenRecord
        do { stored = remember(try recorder.keep(final, now: clock())) } catch {
            // The verdict is still right; only storing it failed, so the next call asks the API again.
            LogLine(event: "store_error", ("error", error.description)).write()
            stored = final
        }
        var answer = Self.resultAnswer(stored, media: withMedia ? result : nil)
        answer.logFields.append(LogField("tc_request", result.requestId ?? "-"))
        return answer
    }

    private func remember(_ record: TokenRecord) -> TokenRecord {
        finals?.keep(record)
        return record
    }

    /// The shares a result call counts against: the client's address, and the session or the
    /// signed request that asks.
    private func shares(_ caller: Caller, request: HTTPRequest) -> [QuotaGuard.Share] {
        let limits = config.limits
        var shares = [QuotaGuard.Share("address", key: ClientAddress.of(request, trustedProxies: limits.trustedProxies),
                                       rate: limits.readPerAddress)]
        switch caller {
        case .browser(let cookieHeader):
            let session = Cookies.value(config.cookieName, in: cookieHeader) ?? ""
            shares.append(.init("browser session", key: SessionID.hash(session), rate: limits.readPerSession))
        case .backend(let signature?):
            shares.append(.init("signed result request", key: signature, rate: limits.readPerLink))
        case .backend(nil):
            // The backend's own signed reads: the API budget and the per-token recheck bound them.
            break
        }
        return shares
    }

    /// The result JSON of DESIGN.md. `live` is the API answer while the record is still pending;
    /// `retryAfter` the seconds a pending poll should wait before asking again.
    /// `media`, when given, adds the face images, video and OCR results of that API answer.
    static func resultAnswer(_ record: TokenRecord, live: GetResultResponse? = nil, media: GetResultResponse? = nil,
                             retryAfter: Int64 = Limits.defaults.pendingRecheckSeconds) -> HTTPResponse {
        var fields: [(String, JSONValue)] = [("token", .string(record.token))]
        fields += verdictFields(record) + [("extra", .optional(record.extra))] + detailFields(record, live: live)
        if let media {
            fields += [
                ("bestFrameBase64", .optional(media.bestFrameBase64)),
                ("videoBase64", .optional(media.videoBase64)),
                ("ocrResult", media.ocrResult.map { .array($0.map(Self.ocrJSON)) } ?? .null),
            ]
        }
        switch record.status {
        case .pending:
            return Answers.json(202, .object(fields), headers: [("Retry-After", String(retryAfter))])
        case .expired:
            return Answers.json(410, .object(fields))
        case .passed, .failed:
            return Answers.json(200, .object(fields))
        }
    }

    /// What the verification came to: `status`, `errorCode`, `errorMsg` and, when it failed or
    /// expired, `reason`. Shared with the webhook's `data` (`WebhookPayload`).
    static func verdictFields(_ record: TokenRecord) -> [(String, JSONValue)] {
        let stored = record.result
        var fields: [(String, JSONValue)] = [
            ("status", .string(record.status.rawValue)),
            ("errorCode", .optional(stored?.errorCode)),
            ("errorMsg", .optional(stored?.errorMsg)),
        ]
        if record.status == .failed { fields.append(("reason", .optional(stored?.reason))) }
        if record.status == .expired { fields.append(("reason", .string(ResultReason.expired.rawValue))) }
        return fields
    }

    /// How it came to that: `attempts` and Tencent's `requestId`. Shared with the webhook's `data`.
    static func detailFields(_ record: TokenRecord, live: GetResultResponse? = nil) -> [(String, JSONValue)] {
        let stored = record.result
        return [
            ("attempts", .array((stored?.attempts ?? live?.verificationDetailList?.map(StoredAttempt.init) ?? []).map(attemptJSON))),
            ("requestId", .optional(stored?.requestId ?? live?.requestId)),
        ]
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

    static func attemptJSON(_ detail: StoredAttempt) -> JSONValue {
        .object([
            ("seq", .optional(detail.seq)),
            ("errorCode", .optional(detail.errorCode)),
            ("errorMsg", .optional(detail.errorMsg)),
            ("livenessErrorCode", .optional(detail.livenessErrorCode)),
            ("livenessErrorMsg", .optional(detail.livenessErrorMsg)),
            ("livenessInfoTag", detail.livenessInfoTag.map { .array($0.map(JSONValue.string)) } ?? .null),
            ("compareErrorCode", .optional(detail.compareErrorCode)),
            ("compareErrorMsg", .optional(detail.compareErrorMsg)),
            ("similarity", .optional(detail.similarity)),
            ("at", .optional(detail.reqTimestamp.map { UTCDate.iso8601(Int64($0 / 1000)) })),
        ])
    }
}
