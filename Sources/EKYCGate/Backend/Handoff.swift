import FastCGI

/// The link a backend-created verification's user opens: `start_url?handoff=ID&exp=EXP&sig=HEX`
/// (`SignedLink`, purpose `handoff`). It is valid until shortly before Tencent's 10-minute start
/// window ends and works once: the first browser to open it is bound to the verification (its
/// session cookie) and sent to Tencent's page; that browser may come back to it while it is
/// pending, any other is refused. So the backend decides who is verified, and the browser only
/// carries the user there.
enum Handoff {
    /// Left of the start window when the link stops working, so a user who opens it can still start.
    static let marginSeconds: Int64 = 30

    static func url(for record: TokenRecord, config: HandlerConfig) -> (url: String, expires: Int64) {
        let expires = record.startBy.saturatingSubtract(marginSeconds)
        let sig = SignedLink.signature(.handoff, key: config.linkKey ?? "", subject: record.token, exp: expires)
        return (config.startURL + "?handoff=" + record.token + "&exp=\(expires)&sig=" + sig, expires)
    }
}

extension StartHandler {
    /// `GET /ekyc/start?handoff=ID&exp=…&sig=…`.
    func handoff(_ request: HTTPRequest, now: Int64) -> HTTPResponse {
        guard let key = config.linkKey else {
            return Answers.error(403, code: "bad_link", message: "this server has no link_key, so it cannot check handoff links")
        }
        let query = FormEncoding.parse(request.queryString) ?? []
        let value = { (name: String) in query.first { $0.name == name }?.value }
        let id = value("handoff") ?? ""
        switch SignedLink.verify(.handoff, subject: id, exp: value("exp"), sig: value("sig"), key: key, now: now,
                                 maxLifetime: TokenRecord.startWindowSeconds) {
        case .valid: break
        case .expired:
            return Answers.error(403, code: "link_expired", message: "this verification link has expired; go back to the site for a new one")
        case .invalid(let why):
            return Answers.error(403, code: "bad_link", message: "\(why); go back to the site for a new link")
        case .tooLong:
            return Answers.error(403, code: "bad_link", message: "this link is valid for longer than a handoff can be; go back to the site for a new link")
        }
        let session: (value: String, presented: Bool)
        switch self.session(of: request) {
        case .success(let found): session = found
        case .failure(let refusal): return refusal.response
        }
        let sessionHash = SessionID.hash(session.value)
        let claim = LinkClaim(signature: "handoff:" + id, expires: Int64(value("exp") ?? "") ?? now)
        do {
            guard var record = try store.load(token: id) else {
                return Answers.error(404, code: "unknown_token", message: "no verification with this id was created here")
            }
            switch try claim.claim(sessionHash: sessionHash, now: now, in: store) {
            case .claimed(let made):
                guard record.sessionHash.isEmpty, record.status == .pending, let page = record.verificationURL else {
                    return LinkClaim.refusal(for: made, now: now).response
                }
                record.sessionHash = sessionHash
                try store.save(record)
                try claim.record(bizToken: id, in: store, claimed: made)
                return redirect(request, to: page, token: id, session: session.value, resumed: false)
            case .taken(let existing):
                if existing.sessionHash == sessionHash, record.sessionHash == sessionHash, record.status == .pending,
                   now < record.startBy, let page = record.verificationURL {
                    return redirect(request, to: page, token: id, session: session.value, resumed: true)
                }
                return LinkClaim.refusal(for: existing, now: now).response
            }
        } catch {
            return Answers.storeUnavailable(error, message: "the token store cannot be reached; open the link again shortly")
        }
    }
}
