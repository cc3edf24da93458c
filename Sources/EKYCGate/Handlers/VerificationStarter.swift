import FastCGI

/// Asking Tencent for a new verification and keeping it: the Apply, the checks of what comes
/// back (a BizToken of the documented form, a VerificationURL on the configured origin, so
/// nobody is redirected anywhere else), and the record, durable before anyone is sent to the
/// page. Shared by the browser's start and the backend's create.
struct VerificationStarter {
    let config: HandlerConfig
    let api: any FaceIDAPI
    let store: any TokenStore

    /// The stored record (with its page) and Tencent's RequestId, or the error answer.
    func start(_ apply: ApplyRequest, sessionHash: String, now: Int64) -> Result<(record: TokenRecord, requestId: String?), Refusal> {
        let answer: ApplyResponse
        do { answer = try api.apply(apply) } catch {
            return .failure(Refusal(UpstreamErrors.response(for: error, action: "ApplyWebVerificationBizTokenIntl")))
        }
        let tokenLog = ("token", TokenFormat.logID(answer.bizToken))
        guard TokenFormat.isValid(answer.bizToken) else {
            return .failure(Refusal(Answers.error(502, code: "upstream_malformed", message: "the eKYC API returned a BizToken of an unexpected form",
                                                  requestId: answer.requestId)))
        }
        guard let page = answer.pageURL, let pageURL = AbsoluteURL(page), config.verificationOrigin.matches(pageURL) else {
            var refused = Answers.error(502, code: "upstream_redirect_refused",
                                        message: "the eKYC API returned a VerificationURL outside \(config.verificationOrigin); set verification_origin if the page host really changed",
                                        requestId: answer.requestId)
            refused.logFields += [tokenLog]
            return .failure(Refusal(refused))
        }
        var record = TokenRecord(token: answer.bizToken, created: now, sessionHash: sessionHash, extra: apply.extra)
        record.verificationURL = page
        do { try store.save(record) } catch {
            RequestLog.write("event=store_error \(error)")
            var failed = Answers.error(503, code: "store_unavailable", message: "the token could not be stored, so no verification was started; retry shortly",
                                       requestId: answer.requestId, headers: [("Retry-After", "2")])
            failed.logFields += [tokenLog]
            return .failure(Refusal(failed))
        }
        return .success((record, answer.requestId))
    }
}
