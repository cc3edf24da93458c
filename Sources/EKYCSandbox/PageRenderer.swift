#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EKYCCrypto
import EKYCGate

/// Server-rendered HTML for the sandbox page: phone-sized, inline CSS, no external assets, one
/// inline script (the camera preview, `CameraPreview`) that the page does not need to work.
/// Everything that comes from a request or a record is escaped here.
struct PageRenderer: Sendable {
    var text: PageText
    var themeColor: String

    init(language: String = "en", themeColor: String = VerificationConfig.defaultThemeColor) {
        text = PageText.forLanguage(language)
        // The color is validated when the flow is created; check again because it goes into CSS.
        self.themeColor = WebVerificationConfig.isHexColor(themeColor) ? themeColor : VerificationConfig.defaultThemeColor
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
            body += "<p class=\"notice\">\(e(text.attemptFailed(lastFailure, text.result(lastFailure), attemptsLeft)))</p>"
        }
        // The consent comes first: the camera waits for it too. It still belongs to the outcome form.
        if askConsent { body += consentBox(form: "outcomes") }
        body += CameraPreview.markup(text.camera)
        body += "<p>\(e(text.captureHint))</p>"
        body += "<form id=\"outcomes\" method=\"post\" action=\"/reflect/finish\">\(hidden(token))"
        for outcome in outcomes {
            let style = outcome == .pass ? "" : " class=\"secondary\""
            body += "<button type=\"submit\" name=\"outcome\" value=\"\(outcome.rawValue)\"\(style)>\(e(text.outcomes[outcome] ?? outcome.rawValue)) <small>\(outcome.errorCode)</small></button>"
        }
        body += "</form>"
        if attemptsLeft > 1 {
            body += "<h2>\(e(text.retryTitle))</h2><form method=\"post\" action=\"/reflect/finish\">\(hidden(token))"
            body += "<input type=\"hidden\" name=\"retry\" value=\"yes\">"
            for outcome in outcomes where outcome.isRetryable {
                body += "<button type=\"submit\" name=\"outcome\" value=\"\(outcome.rawValue)\" class=\"secondary\">\(e(text.retryButton + text.colon))\(e(text.outcomes[outcome] ?? outcome.rawValue))</button>"
            }
            body += "</form>"
        }
        return document(body, script: CameraPreview.script)
    }

    /// The result page with "Next" to the merchant's RedirectURL.
    func resultPage(code: Int, next: String) -> String {
        let body = "<h1>\(e(text.resultTitle))</h1><p class=\"result\">\(e(text.result(code)))</p>"
            + "<p>\(e(text.code)) \(code)</p><a class=\"button\" href=\"\(e(next))\">\(e(text.next))</a>"
        return document(body)
    }

    /// A readable error: unknown link, expired (15), already completed (14).
    func errorPage(code: Int?, detail: String? = nil) -> String {
        var body = "<h1>\(e(text.errorTitle))</h1>"
        if let code {
            body += "<p class=\"result\">\(e(text.result(code)))</p><p>\(e(text.code)) \(code)</p>"
        } else {
            body += "<p>\(e(detail ?? text.unknownToken))</p>"
        }
        return document(body)
    }

    /// The privacy consent; `form` names the form it belongs to when it stands outside it.
    private func consentBox(form: String? = nil) -> String {
        let owner = form.map { " form=\"\(e($0))\"" } ?? ""
        return "<label class=\"consent\"><input type=\"checkbox\" name=\"consent\" value=\"yes\" required\(owner)>"
            + "<span>\(e(text.consent))</span></label>"
    }

    private func hidden(_ token: String) -> String {
        "<input type=\"hidden\" name=\"token\" value=\"\(e(token))\"><input type=\"hidden\" name=\"page\" value=\"yes\">"
    }

    private func e(_ value: String) -> String { HTML.escape(value) }

    /// The page around `body`. Its Content-Security-Policy allows exactly the style and the script
    /// written here (by their SHA-256) and nothing else: no other script, style, image, font, frame or
    /// connection. `form-action` is left out: the finish form's answer redirects to the merchant's
    /// RedirectURL, and browsers check that redirect against `form-action` too.
    private func document(_ body: String, script: String? = nil) -> String {
        let style = self.style
        let scriptSource = script.map { "'\(Self.cspHash($0))'" } ?? "'none'"
        let policy = "default-src 'none'; style-src '\(Self.cspHash(style))'; script-src \(scriptSource); base-uri 'none'"
        return """
            <!DOCTYPE html>
            <html lang="\(e(text.htmlLang))"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(e(policy))">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>\(e(text.banner))</title>
            <style>\(style)</style></head>
            <body><header>\(e(text.banner))</header><main>\(body)</main>\(script.map { "<script>\($0)</script>" } ?? "")</body></html>
            """
    }

    /// `'sha256-…'` for a Content-Security-Policy: the base64 SHA-256 of the element's exact text.
    static func cspHash(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(text)).base64EncodedString()
    }

    /// One style for every page. `[hidden]` wins over the display rules below it; buttons take the
    /// page's font; the consent box is a finger-sized target and its whole label taps it.
    private var style: String {
        """

        [hidden]{display:none!important}
        body{margin:0;font-family:system-ui,-apple-system,\(text.fonts)sans-serif;background:#f4f5f7;color:#1f2329;overflow-wrap:anywhere}
        header{background:\(themeColor);color:#fff;padding:12px 16px;font-weight:600;font-size:15px}
        main{max-width:420px;margin:0 auto;padding:16px}
        h1{font-size:22px;margin:12px 0}h2{font-size:16px;margin:24px 0 8px}
        p{line-height:1.5}.notice{background:#fff4e5;border-left:4px solid #f0a020;padding:8px 12px}
        .result{font-size:18px;font-weight:600}
        button,.button{display:block;box-sizing:border-box;width:100%;margin:10px 0;padding:14px;border:0;border-radius:8px;
        background:\(themeColor);color:#fff;font:inherit;font-size:16px;line-height:1.3;text-align:center;text-decoration:none;cursor:pointer}
        button.secondary{background:#fff;color:\(themeColor);border:1px solid \(themeColor)}
        button:disabled{opacity:.6}
        small{opacity:.7}
        .consent{display:flex;align-items:flex-start;gap:12px;margin:16px 0;padding:12px;background:#fff;border-radius:8px;line-height:1.4;cursor:pointer;-webkit-tap-highlight-color:transparent}
        .consent input{flex:none;width:24px;height:24px;margin:0;accent-color:\(themeColor)}
        .camera{margin:16px 0;padding:12px;background:#fff;border-radius:8px}
        .camera video{display:block;width:60%;max-width:240px;aspect-ratio:1;margin:0 auto 8px;border-radius:50%;object-fit:cover;
        transform:scaleX(-1);background:#1f2329;border:3px solid \(themeColor)}
        .camera .notice{margin:0 0 8px}.camera button{margin:0}
        .camera-note{margin:8px 0 0;font-size:13px;color:#646a73}

        """
    }
}
