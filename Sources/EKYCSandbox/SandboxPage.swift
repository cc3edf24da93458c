#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import FastCGI

/// The mobile page of the flow (`GET /reflect/?token=`) and its end (`POST /reflect/finish`).
/// The tester picks the outcome; the page records it as Tencent would and sends the browser to
/// `RedirectURL?token=BizToken`.
public struct SandboxPage: Sendable {
    public var store: any VerificationStore

    public init(store: any VerificationStore) {
        self.store = store
    }

    /// `GET /reflect/?token=…[&step=capture|result]`.
    public func show(_ request: HTTPRequest, now: Double) -> HTTPResponse {
        let query = FormFields(request.queryString)
        let nowSeconds = Int64(now.rounded(.down))
        guard let token = query["token"], Self.isWellFormedToken(token) else { return Self.unknownToken() }
        // The result page is reached by a redirect after finish (POST-redirect-GET), so Back
        // and reload show it again instead of asking to resubmit the form.
        if query["step"] == "result", let record = store.record(token), let final = record.final, record.isRetained(nowSeconds: nowSeconds) {
            return Self.html(200, PageRenderer(config: record.config).resultPage(code: final.errorCode, next: record.redirectLocation))
        }
        let shown: Result<VerificationRecord, PageRefusal> = store.update(token) { record in
            guard var current = record else { return .failure(.unknown) }
            if let refusal = Self.refusal(current, nowSeconds: nowSeconds) { return .failure(refusal) }
            if current.startedSeconds == nil { current.startedSeconds = nowSeconds }
            record = current
            return .success(current)
        }
        let record: VerificationRecord
        switch shown {
        case .failure(let refusal): return refusal.response
        case .success(let value): record = value
        }
        let renderer = PageRenderer(config: record.config)
        let askConsent = !record.config.skipPrivacyPolicy
        if query["step"] != "capture" && !record.config.autoSkipStartPage {
            return Self.html(200, renderer.startPage(token: token, askConsent: askConsent))
        }
        // Consent was given on the start page; without one, ask for it with the outcome.
        let consentPending = askConsent && query["consent"] != "yes"
        return Self.html(200, renderer.capturePage(
            token: token, outcomes: Outcome.available(for: record.config), askConsent: consentPending, attemptsLeft: record.attemptsLeft,
            lastFailure: record.attempts.last?.codes.errorCode))
    }

    /// `POST /reflect/finish` with `token`, `outcome` and optionally `retry=yes` (record a failed
    /// attempt and go on) and `page=yes` (a browser: show the result page unless AutoSkip).
    public func finish(_ request: HTTPRequest, now: Double) -> HTTPResponse {
        let form = FormFields(String(decoding: request.body, as: UTF8.self))
        let nowSeconds = Int64(now.rounded(.down))
        guard let token = form["token"], Self.isWellFormedToken(token) else { return Self.unknownToken() }
        let outcome: AttemptCodes
        if form["outcome"] == "code" {
            guard let code = form["code"].flatMap({ Int($0) }).flatMap(AttemptCodes.init(code:)) else {
                return Self.html(400, PageRenderer().errorPage(code: nil, detail: "code must be a documented failing code (docs/RESULT-CODES.md) other than 16 and 17"))
            }
            outcome = code
        } else if let named = form["outcome"].flatMap(Outcome.init(rawValue:)) {
            outcome = AttemptCodes(named)
        } else {
            let names = (Outcome.allCases.map(\.rawValue) + ["code (with code=N)"]).joined(separator: ", ")
            return Self.html(400, PageRenderer().errorPage(code: nil, detail: "outcome must be one of: \(names)"))
        }
        if let record = store.record(token), outcome.needsComparison, !record.config.comparesFace {
            return Self.html(400, PageRenderer(config: record.config).errorPage(
                code: nil, detail: "code \(outcome.errorCode) needs a face comparison (Config.CheckMode 1 or 2)"))
        }
        let retry = form["retry"] == "yes" && outcome.isRetryable
        let attempt = VerificationRecord.Attempt(
            seq: UUID().uuidString.lowercased(), codes: outcome,
            atMilliseconds: Int64((now * 1000).rounded(.down)), similarity: Self.similarity(for: outcome))
        let finished: Result<VerificationRecord, PageRefusal> = store.update(token) { record in
            guard var current = record else { return .failure(.unknown) }
            if let refusal = Self.refusal(current, nowSeconds: nowSeconds) { return .failure(refusal) }
            if current.startedSeconds == nil { current.startedSeconds = nowSeconds }
            current.attempts.append(attempt)
            if !retry {
                current.final = .init(errorCode: outcome.errorCode, atSeconds: nowSeconds)
            } else if current.attemptsLeft == 0 {
                current.final = .init(errorCode: ResultCode.retryLimitReached, atSeconds: nowSeconds)
            }
            record = current
            return .success(current)
        }
        let record: VerificationRecord
        switch finished {
        case .failure(let refusal): return refusal.response
        case .success(let value): record = value
        }
        guard let final = record.final else {
            // Another attempt: back to the outcome step.
            let location = "/reflect/?token=\(token)&step=capture&consent=yes"
            return HTTPResponse(status: 303, headers: [("Location", location), ("Cache-Control", "no-store")], text: "")
        }
        let isBrowser = form["page"] == "yes"
        if isBrowser && !(record.config.autoSkip && final.errorCode == ResultCode.success) {
            return HTTPResponse(status: 303, headers: [("Location", "/reflect/?token=\(token)&step=result"), ("Cache-Control", "no-store")], text: "")
        }
        return HTTPResponse(status: 303, headers: [("Location", record.redirectLocation), ("Cache-Control", "no-store")], text: "")
    }

    /// Why a page or finish is refused for a known token.
    enum PageRefusal: Error {
        case unknown
        /// A known flow that is over; its page is in the flow's language and colour.
        case code(Int, VerificationConfig)

        var response: HTTPResponse {
            switch self {
            case .unknown: SandboxPage.unknownToken()
            case .code(let code, let config): SandboxPage.html(410, PageRenderer(config: config).errorPage(code: code))
            }
        }
    }

    static func refusal(_ record: VerificationRecord, nowSeconds: Int64) -> PageRefusal? {
        if record.final != nil { return .code(ResultCode.alreadyCompleted, record.config) }
        if !record.isRetained(nowSeconds: nowSeconds) || record.missedStartWindow(nowSeconds: nowSeconds) {
            return .code(ResultCode.tokenExpired, record.config)
        }
        return nil
    }

    /// A BizToken as the sandbox issues them: an upper-case UUID. Anything else is not looked up.
    static func isWellFormedToken(_ token: String) -> Bool {
        let bytes = Array(token.utf8)
        guard bytes.count == 36 else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-") : (48...57).contains(byte) || (65...70).contains(byte)
        }
    }

    /// Scores like Tencent's: a pass well above the threshold of 70, a mismatch well below it.
    static func similarity(for outcome: AttemptCodes) -> Double {
        switch outcome.errorCode {
        case ResultCode.success: Double(Int.random(in: 9_000...9_900)) / 100
        case Outcome.mismatch.errorCode: Double(Int.random(in: 3_000...6_500)) / 100
        default: 0
        }
    }

    static func unknownToken() -> HTTPResponse {
        html(404, PageRenderer().errorPage(code: nil))
    }

    static func html(_ status: Int, _ page: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                                               ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer")], text: page)
    }
}
