public import FastCGI

/// `POST /ekyc/verifications`: the merchant's backend creates a verification for its own user,
/// with its ref, optionally the reference photo the face is compared with, and a few page
/// options (`CreateRequest`). The request is signed (`BackendSignature`); Tencent's Apply is
/// called at once, so a bad photo or a spent budget is the backend's answer, not the user's
/// surprise. The answer is `201 {"id", "handoffURL", "expiresAt"}`: the backend sends its user's
/// browser to `handoffURL` (single use, valid inside Tencent's 10-minute start window), which
/// binds that browser and redirects it to Tencent's page; the backend reads the result by id
/// (`GET /ekyc/verifications/ID`, signed the same way) or receives it by webhook.
///
/// A signed request sent again (a retry after a timeout) creates nothing new: its signature
/// names it, and the same verification is answered.
public struct CreateHandler {
    public let config: HandlerConfig
    public let api: any FaceIDAPI
    public let store: any TokenStore
    public let quota: QuotaGuard
    public let clock: () -> Int64

    public init(config: HandlerConfig, api: any FaceIDAPI, store: any TokenStore, quota: QuotaGuard, clock: @escaping () -> Int64) {
        self.config = config
        self.api = api
        self.store = store
        self.quota = quota
        self.clock = clock
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST" else {
            return Answers.error(405, code: "method_not_allowed", message: "create a verification with a signed POST; read one with GET /ekyc/verifications/ID",
                                 headers: [("Allow", "POST")])
        }
        if request.bodyOmitted {
            return Answers.error(413, code: "body_too_large", message: "the request is larger than this server accepts (8 MB of base64 photo plus a little JSON)")
        }
        let now = clock()
        let signature: String
        switch BackendSignature.verify(request, path: request.path, key: config.linkKey, now: now) {
        case .valid(let found): signature = found
        case .missing:
            return Answers.error(403, code: "signature_required", message: "creating a verification needs the \(BackendSignature.header) header of the merchant's backend (docs: Server-created verifications)")
        case .invalid(let why):
            return Answers.error(403, code: "bad_signature", message: why)
        }

        // The signature names the request: a second arrival is a retry, answered with the first one's verification.
        let claim = LinkClaim(signature: "backend-request:" + signature, expires: now.saturatingAdd(BackendSignature.toleranceSeconds))
        let made: Claim
        do {
            switch try claim.claim(sessionHash: nil, now: now, in: store) {
            case .claimed(let claimed): made = claimed
            case .taken(let existing):
                if let id = existing.startedToken, let record = try store.load(token: id) {
                    var again = created(record, status: 200)
                    again.headers.append(("Idempotent-Replayed", "true"))
                    return again
                }
                return LinkClaim.refusal(for: existing, now: now).response
            }
        } catch {
            return Answers.storeUnavailable(error, message: "the token store cannot be reached, so no verification was created; retry shortly")
        }

        let input: CreateRequest
        switch CreateRequest.parse(request.body, site: config.page) {
        case .success(let parsed): input = parsed
        case .failure(let refusal):
            claim.release(in: store)
            return refusal.response
        }
        if let refusal = quota.admit(.apply, shares: [.init("merchant backend", key: "backend", rate: nil)]) {
            claim.release(in: store)
            return refusal.response
        }
        let apply = ApplyRequest(redirectURL: config.redirectURL, compareImage: input.compareImage, extra: input.ref,
                                 ruleId: config.ruleId, config: input.page)
        // Bound to no browser yet: the handoff binds the one the user opens it in.
        switch VerificationStarter(config: config, api: api, store: store).start(apply, sessionHash: "", now: now) {
        case .failure(let refusal):
            claim.release(in: store)
            return refusal.response
        case .success(let started):
            do { try claim.record(bizToken: started.record.token, in: store, claimed: made) } catch {
                LogLine(event: "store_error", ("error", error.description)).write()
            }
            var answer = created(started.record, status: 201)
            answer.logFields += [LogField("token", TokenFormat.logID(started.record.token)), LogField("tc_request", started.requestId ?? "-"), LogField("caller", "backend")]
            return answer
        }
    }

    /// The answer for a created verification: its id and the handoff URL for its user's browser.
    func created(_ record: TokenRecord, status: Int) -> HTTPResponse {
        let handoff = Handoff.url(for: record, config: config)
        return Answers.json(status, .object([
            ("id", .string(record.token)),
            ("handoffURL", .string(handoff.url)),
            ("expiresAt", .integer(handoff.expires)),
            ("status", .string(record.status.rawValue)),
        ]))
    }
}
