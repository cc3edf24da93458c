public import FastCGI
public import EKYCCrypto

/// `GET|POST /ekyc/start`: asks the API for a BizToken, stores its record, then sends the
/// browser to Tencent's page. The record is durable before any redirect goes out.
public struct StartHandler {
    public let config: HandlerConfig
    public let api: any FaceIDAPI
    public let store: any TokenStore
    public let clock: () -> Int64

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
        guard request.method == "GET" || request.method == "POST" else {
            return Answers.error(405, code: "method_not_allowed", message: "use GET or POST for /ekyc/start",
                                 headers: [("Allow", "GET, POST")])
        }
        let input: StartInput
        switch StartInput.parse(request, policy: StartInput.Policy(config: config, now: clock())) {
        case .success(let parsed): input = parsed
        case .failure(let refusal): return refusal.response
        }
        let linkMarker = config.singleUseLinks ? input.link.map { SingleUseLink(signature: $0.signature, expires: $0.expires) } : nil
        if let linkMarker {
            switch linkMarker.check(store) {
            case .success: break
            case .failure(let refusal): return refusal.response
            }
        }

        let apply = ApplyRequest(redirectURL: config.redirectURL, compareImage: input.compareImage,
                                 extra: input.extra, ruleId: config.ruleId, config: config.page.isEmpty ? nil : config.page)
        let answer: ApplyResponse
        do { answer = try api.apply(apply) } catch {
            return UpstreamErrors.response(for: error, action: "ApplyWebVerificationBizTokenIntl")
        }
        let tokenLog = ("token", TokenFormat.logID(answer.bizToken))
        let requestLog = ("tc_request", answer.requestId ?? "-")
        guard TokenFormat.isValid(answer.bizToken) else {
            return Answers.error(502, code: "upstream_malformed", message: "the eKYC API returned a BizToken of an unexpected form",
                                 requestId: answer.requestId)
        }
        guard let page = answer.pageURL, let pageURL = AbsoluteURL(page), config.verificationOrigin.matches(pageURL) else {
            var refused = Answers.error(502, code: "upstream_redirect_refused",
                                        message: "the eKYC API returned a VerificationURL outside \(config.verificationOrigin); set verification_origin if the page host really changed",
                                        requestId: answer.requestId)
            refused.logFields += [tokenLog]
            return refused
        }

        let session: String
        if let existing = Cookies.value(config.cookieName, in: request.header("Cookie")), SessionID.isValid(existing) {
            session = existing
        } else {
            do { session = try SessionID.make() } catch {
                return Answers.error(503, code: "no_randomness", message: "cannot create a session id: \(error)")
            }
        }
        let record = TokenRecord(token: answer.bizToken, created: clock(), sessionHash: SessionID.hash(session), extra: input.extra)
        do { try store.save(record) } catch {
            // Full stays full until older records age out; any other failure may pass in seconds.
            let full = error.kind == .full
            RequestLog.write("event=\(full ? "store_full" : "store_error") \(error)")
            var failed = full
                ? Answers.error(503, code: "store_full",
                                message: "this site cannot take new verifications now (its token store is full), so none was started; try again later",
                                requestId: answer.requestId, headers: [("Retry-After", "600")])
                : Answers.error(503, code: "store_unavailable",
                                message: "the token could not be stored, so no verification was started; retry shortly",
                                requestId: answer.requestId, headers: [("Retry-After", "2")])
            failed.logFields += [tokenLog]
            return failed
        }

        if let linkMarker {
            // Best effort after the token is stored: a failure here only means the link could
            // be used once more, never that a started verification is lost.
            do { try linkMarker.record(bizToken: answer.bizToken, now: clock(), in: store) } catch {
                RequestLog.write("event=store_error \(error)")
            }
        }

        let cookie = ("Set-Cookie", Cookies.sessionHeader(name: config.cookieName, value: session, secure: config.cookieSecure))
        var response: HTTPResponse
        if request.header("Accept")?.contains("application/json") == true {
            response = Answers.json(200, .object([("bizToken", .string(answer.bizToken)), ("verificationURL", .string(page))]),
                                    headers: [cookie])
        } else {
            response = HTTPResponse(status: 303, headers: [("Location", page), ("Cache-Control", "no-store"), cookie,
                                                           ("Content-Type", "text/plain; charset=utf-8")],
                                    text: "See \(page)\n")
        }
        response.logFields += [tokenLog, requestLog]
        return response
    }
}
