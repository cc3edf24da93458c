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
        // A full store would refuse the record after Tencent was asked: ask the store first, so
        // a refused start costs no API call. (The save still checks, for a store filling meanwhile.)
        if let usage = try? store.usage(), config.storeQuota.isFull(usage) {
            LogLine(event: "store_full", ("error", config.storeQuota.refusal(usage, where: "store").description)).write()
            return .failure(Self.storeFull(requestId: nil))
        }
        let answer: ApplyResponse
        do { answer = try api.apply(apply) } catch {
            return .failure(Refusal(UpstreamErrors.response(for: error, action: "ApplyWebVerificationBizTokenIntl")))
        }
        let tokenLog = LogField("token", TokenFormat.logID(answer.bizToken))
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
            // Full stays full until older records age out; any other failure may pass in seconds.
            var failed: HTTPResponse
            if error.kind == .full {
                LogLine(event: "store_full", ("error", error.description)).write()
                failed = Self.storeFull(requestId: answer.requestId).response
            } else {
                failed = Answers.storeUnavailable(error, message: "the token could not be stored, so no verification was started; retry shortly",
                                                  requestId: answer.requestId)
            }
            failed.logFields += [tokenLog]
            return .failure(Refusal(failed))
        }
        return .success((record, answer.requestId))
    }

    static func storeFull(requestId: String?) -> Refusal {
        Refusal(Answers.error(503, code: "store_full",
                              message: "this site cannot take new verifications now (its token store is full), so none was started; try again later",
                              requestId: requestId, headers: [("Retry-After", "600")]))
    }
}
