public import FastCGI

/// `GET|POST /ekyc/start`: asks the API for a BizToken, stores its record, then sends the
/// browser to Tencent's page. The record is durable before any redirect goes out.
///
/// Every Apply spends Tencent's quota, so before one is made: a start that is not a page the
/// user opened is refused (`FetchMetadata`); a browser with a verification still inside its
/// start window is sent back to it; a single-use link is claimed; and the call is counted
/// against the caller's shares and the API budget (`QuotaGuard`).
public struct StartHandler {
    public let config: HandlerConfig
    public let api: any FaceIDAPI
    public let store: any TokenStore
    public let quota: QuotaGuard
    public let clock: () -> Int64

    public init(config: HandlerConfig, api: any FaceIDAPI, store: any TokenStore, limiter: any RateLimiter = MemoryRateLimiter(),
                clock: @escaping () -> Int64 = WallClock.seconds,
                milliseconds: @escaping @Sendable () -> Int64 = WallClock.milliseconds) {
        self.config = config
        self.api = api
        self.store = store
        self.quota = QuotaGuard(limiter: limiter, limits: config.limits, clock: milliseconds)
        self.clock = clock
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path.hasSuffix("/verifications") {
            let create = CreateHandler(config: config, api: api, store: store, quota: quota, clock: clock)
            return Answers.identified(create.respond(to: request), for: request)
        }
        return Answers.identified(respond(to: request), for: request)
    }

    private func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "POST" else {
            return Answers.error(405, code: "method_not_allowed", message: "use GET or POST for /ekyc/start",
                                 headers: [("Allow", "GET, POST")])
        }
        if let refusal = FetchMetadata.startRefusal(request) { return refusal.response }
        let now = clock()
        if FormEncoding.value("handoff", in: request.queryString) != nil { return handoff(request, now: now) }
        let input: StartInput
        switch StartInput.parse(request, policy: StartInput.Policy(config: config, now: now)) {
        case .success(let parsed): input = parsed
        case .failure(let refusal): return refusal.response
        }
        var pageOptions = config.page
        switch CheckModeChoice.resolve(configured: pageOptions.checkMode, hasPhoto: input.compareImage != nil,
                                       photoField: "a photo (POST image or compareImageBase64)") {
        case .success(let mode): pageOptions.checkMode = mode
        case .failure(let refusal): return refusal.response
        }

        let session: String, presented: Bool
        switch self.session(of: request) {
        case .success(let found): (session, presented) = found
        case .failure(let refusal): return refusal.response
        }
        let sessionHash = SessionID.hash(session)

        // The same browser starting again (a double tap, a reload, the back button) while its
        // verification can still be started goes back to that page: no new API call.
        if let pending = Cookies.value(Cookies.pendingName(config.cookieName), in: request.header("Cookie")),
           let page = resumable(pending, sessionHash: sessionHash, input: input, now: now) {
            return redirect(request, to: page, token: pending, session: session, resumed: true)
        }

        var claim: (link: LinkClaim, made: Claim)?
        if config.singleUseLinks, let link = input.link {
            let linkClaim = LinkClaim(signature: link.signature, expires: link.expires)
            do {
                switch try linkClaim.claim(sessionHash: sessionHash, now: now, in: store) {
                case .claimed(let made):
                    claim = (linkClaim, made)
                case .taken(let existing):
                    if existing.sessionHash == sessionHash, let token = existing.startedToken,
                       let page = resumable(token, sessionHash: sessionHash, input: input, now: now) {
                        return redirect(request, to: page, token: token, session: session, resumed: true)
                    }
                    return LinkClaim.refusal(for: existing, now: now).response
                }
            } catch {
                return Answers.storeUnavailable(error, message: "the start link cannot be checked, so no verification was started; retry shortly")
            }
        }
        let release = { if let claim { claim.link.release(in: store) } }

        if let refusal = quota.admit(.apply, shares: shares(request, input: input, presentedSession: presented ? sessionHash : nil)) {
            release()
            return refusal.response
        }
        let apply = ApplyRequest(redirectURL: config.redirectURL, compareImage: input.compareImage,
                                 extra: input.extra, ruleId: config.ruleId, config: pageOptions)
        let record: TokenRecord, requestId: String?
        switch VerificationStarter(config: config, api: api, store: store).start(apply, sessionHash: sessionHash, now: now) {
        case .success(let started): (record, requestId) = started
        case .failure(let refusal):
            release()
            return refusal.response
        }
        if let claim {
            // After the token is stored: a failure here leaves the link claimed without a
            // token, which refuses it later; it never loses a started verification.
            do { try claim.link.record(bizToken: record.token, in: store, claimed: claim.made) } catch {
                LogLine(event: "store_error", ("error", error.description)).write()
            }
        }
        var response = redirect(request, to: record.verificationURL ?? "", token: record.token, session: session, resumed: false)
        response.logFields += [LogField("tc_request", requestId ?? "-")]
        return response
    }

    /// The browser's session: the one it brought when this server issued it, else a new one.
    func session(of request: HTTPRequest) -> Result<(value: String, presented: Bool), Refusal> {
        if let presented = Cookies.value(config.cookieName, in: request.header("Cookie")), SessionID.isValid(presented, key: config.sessionKey) {
            return .success((presented, true))
        }
        do { return .success((try SessionID.make(key: config.sessionKey), false)) } catch {
            return .failure(Refusal(503, "no_randomness", "cannot create a session id: \(error)"))
        }
    }

    /// The shares this start counts against: the client's address always, its session when it
    /// brought one (a new session has nothing to count), its signed link when it has one.
    private func shares(_ request: HTTPRequest, input: StartInput, presentedSession: String?) -> [QuotaGuard.Share] {
        let limits = config.limits
        var shares = [QuotaGuard.Share("address", key: ClientAddress.of(request, trustedProxies: limits.trustedProxies),
                                       rate: limits.startPerAddress)]
        if let presentedSession { shares.append(.init("browser session", key: presentedSession, rate: limits.startPerSession)) }
        if let link = input.link { shares.append(.init("signed link", key: link.signature, rate: limits.startPerLink)) }
        return shares
    }

    /// The page of `token` when this session may go back to it: still pending, inside
    /// Tencent's start window, for the same ref, and no new photo to compare with.
    private func resumable(_ token: String, sessionHash: String, input: StartInput, now: Int64) -> String? {
        guard input.compareImage == nil, TokenFormat.isValid(token), let record = try? store.load(token: token),
              record.status == .pending, record.sessionHash == sessionHash, now < record.startBy, record.extra == input.extra,
              let page = record.verificationURL, let url = AbsoluteURL(page), config.verificationOrigin.matches(url) else { return nil }
        return page
    }

    func redirect(_ request: HTTPRequest, to page: String, token: String, session: String, resumed: Bool) -> HTTPResponse {
        let path = config.cookiePath.path(for: request)
        let cookies = [
            ("Set-Cookie", Cookies.sessionHeader(name: config.cookieName, value: session, path: path, secure: config.cookieSecure)),
            ("Set-Cookie", Cookies.pendingHeader(name: config.cookieName, token: token, path: path, secure: config.cookieSecure)),
        ]
        var response: HTTPResponse
        if request.header("Accept")?.contains("application/json") == true {
            response = Answers.json(200, .object([("bizToken", .string(token)), ("verificationURL", .string(page))]),
                                    headers: cookies)
        } else {
            response = HTTPResponse(status: 303, headers: [("Location", page), ("Cache-Control", "no-store")] + cookies
                                        + [("Content-Type", "text/plain; charset=utf-8")],
                                    text: "See \(page)\n")
        }
        response.logFields += [LogField("token", TokenFormat.logID(token))]
        if resumed { response.logFields.append(LogField("resumed", "1")) }
        return response
    }
}
