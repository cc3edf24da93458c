/// Server-rendered HTML for the sandbox page: phone-sized, inline CSS, no scripts or external
/// assets. Everything that comes from a request or a record is escaped here.
struct PageRenderer: Sendable {
    var text: PageText
    var themeColor: String

    init(language: String = "en", themeColor: String = VerificationConfig.defaultThemeColor) {
        text = PageText.forLanguage(language)
        // The color is validated when the flow is created; check again because it goes into CSS.
        self.themeColor = VerificationConfig.isHexColor(themeColor) ? themeColor : VerificationConfig.defaultThemeColor
    }

    init(config: VerificationConfig) {
        self.init(language: config.language, themeColor: config.themeColor)
    }

    /// Start page: what this is, the privacy consent (unless skipped), a start button.
    func startPage(token: String, askConsent: Bool) -> String {
        var body = "<h1>\(e(text.title))</h1><p>\(e(text.intro))</p>"
        body += "<form method=\"get\" action=\"/reflect/\"><input type=\"hidden\" name=\"token\" value=\"\(e(token))\">"
        body += "<input type=\"hidden\" name=\"step\" value=\"capture\">"
        if askConsent { body += consentBox() }
        body += "<button type=\"submit\">\(e(text.start))</button></form>"
        return document(body)
    }

    /// The step where the tester picks the outcome; `lastFailure` shows a failed attempt.
    func capturePage(token: String, outcomes: [Outcome], askConsent: Bool, attemptsLeft: Int, lastFailure: Int?) -> String {
        var body = "<h1>\(e(text.captureTitle))</h1>"
        if let lastFailure {
            body += "<p class=\"notice\">\(e(text.attemptFailed)) (\(e(text.code)) \(lastFailure): \(e(ResultCode.message(lastFailure)))). \(attemptsLeft) \(e(text.attemptsLeft)).</p>"
        }
        body += "<p>\(e(text.captureHint))</p>"
        body += "<form method=\"post\" action=\"/reflect/finish\">\(hidden(token))"
        if askConsent { body += consentBox() }
        for outcome in outcomes {
            let style = outcome == .pass ? "" : " class=\"secondary\""
            body += "<button type=\"submit\" name=\"outcome\" value=\"\(outcome.rawValue)\"\(style)>\(e(text.outcomes[outcome] ?? outcome.rawValue)) <small>\(outcome.errorCode)</small></button>"
        }
        body += "</form>"
        if attemptsLeft > 1 {
            body += "<h2>\(e(text.retryTitle))</h2><form method=\"post\" action=\"/reflect/finish\">\(hidden(token))"
            body += "<input type=\"hidden\" name=\"retry\" value=\"yes\">"
            for outcome in outcomes where outcome.isRetryable {
                body += "<button type=\"submit\" name=\"outcome\" value=\"\(outcome.rawValue)\" class=\"secondary\">\(e(text.retryButton)): \(e(text.outcomes[outcome] ?? outcome.rawValue))</button>"
            }
            body += "</form>"
        }
        return document(body)
    }

    /// The result page with "Next" to the merchant's RedirectURL.
    func resultPage(code: Int, next: String) -> String {
        let body = "<h1>\(e(text.resultTitle))</h1><p class=\"result\">\(e(ResultCode.message(code)))</p>"
            + "<p>\(e(text.code)) \(code)</p><a class=\"button\" href=\"\(e(next))\">\(e(text.next))</a>"
        return document(body)
    }

    /// A readable error: unknown link, expired (15), already completed (14).
    func errorPage(code: Int?, detail: String? = nil) -> String {
        var body = "<h1>\(e(text.errorTitle))</h1>"
        if let code {
            body += "<p class=\"result\">\(e(ResultCode.message(code)))</p><p>\(e(text.code)) \(code)</p>"
        } else {
            body += "<p>\(e(detail ?? text.unknownToken))</p>"
        }
        return document(body)
    }

    private func consentBox() -> String {
        "<label class=\"consent\"><input type=\"checkbox\" name=\"consent\" value=\"yes\" required> \(e(text.consent))</label>"
    }

    private func hidden(_ token: String) -> String {
        "<input type=\"hidden\" name=\"token\" value=\"\(e(token))\"><input type=\"hidden\" name=\"page\" value=\"yes\">"
    }

    private func e(_ value: String) -> String { HTML.escape(value) }

    private func document(_ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(e(text.htmlLang))"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(e(text.banner))</title>
        <style>
        body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#f4f5f7;color:#1f2329}
        header{background:\(themeColor);color:#fff;padding:12px 16px;font-weight:600;font-size:15px}
        main{max-width:420px;margin:0 auto;padding:16px}
        h1{font-size:22px;margin:12px 0}h2{font-size:16px;margin:24px 0 8px}
        p{line-height:1.5}.notice{background:#fff4e5;border-left:4px solid #f0a020;padding:8px 12px}
        .result{font-size:18px;font-weight:600}
        button,.button{display:block;box-sizing:border-box;width:100%;margin:10px 0;padding:14px;border:0;border-radius:8px;
        background:\(themeColor);color:#fff;font-size:16px;text-align:center;text-decoration:none;cursor:pointer}
        button.secondary{background:#fff;color:\(themeColor);border:1px solid \(themeColor)}
        small{opacity:.7}.consent{display:block;margin:16px 0;line-height:1.4}
        </style></head>
        <body><header>\(e(text.banner))</header><main>\(body)</main></body></html>
        """
    }
}
