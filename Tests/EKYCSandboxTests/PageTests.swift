#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FastCGI
import Testing
import EKYCGate
@testable import EKYCSandbox

@Suite struct PageTests {
    func page(_ sandbox: SandboxHandler, _ query: String, now: Double = testNow + 5) -> HTTPResponse {
        sandbox.handle(request(method: "GET", path: "/reflect/", query: query), now: now)
    }

    @Test func escapesHTML() {
        #expect(HTML.escape(#"<script>alert("x")</script> & 'y'"#)
                == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
    }

    @Test func resultPageEscapesTheRedirectURL() {
        let html = PageRenderer().resultPage(code: 0, next: #"https://a.example/?q="><script>x</script>&token=T"#)
        #expect(!html.contains("<script>x"))
        #expect(html.contains("&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;token=T"))
    }

    @Test func startPageIsPhoneSizedWithBannerConsentAndTheme() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, ##"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"ThemeColor": "#112233"}}"##)
        let response = page(sandbox, "token=\(token)")
        #expect(response.status == 200)
        #expect(header(response, "Content-Type") == "text/html; charset=utf-8")
        let html = text(response)
        #expect(html.contains(#"<meta name="viewport""#))
        #expect(html.contains("eKYC sandbox — not a real verification"))
        #expect(html.contains("#112233"))
        #expect(html.contains(#"name="consent""#))
        #expect(html.contains(#"name="step" value="capture""#))
        #expect(!html.contains("<script"))
        #expect(html.contains("script-src &#39;none&#39;"))
        #expect(!html.contains("http://") && !html.contains("https://"), "no external assets")
    }

    @Test func chinesePage() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"Language": "zh-cn"}}"#)
        let html = text(page(sandbox, "token=\(token)"))
        #expect(html.contains(#"lang="zh-CN""#))
        #expect(html.contains("开始核验"))
    }

    @Test func captureStepOffersEveryOutcomeAndPostsToFinish() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        let html = text(page(sandbox, "token=\(token)&step=capture&consent=yes"))
        #expect(html.contains(#"action="/reflect/finish""#))
        for outcome in Outcome.allCases { #expect(html.contains(#"value="\#(outcome.rawValue)""#)) }
        #expect(!html.contains(#"name="consent""#))
        #expect(html.contains(#"name="retry" value="yes""#))
    }

    @Test func captureStepHasTheCameraPreviewAndItsScriptAllowedByHash() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        let html = text(page(sandbox, "token=\(token)&step=capture&consent=yes"))
        #expect(html.contains(#"<video id="camera-preview" muted playsinline autoplay hidden></video>"#))
        #expect(html.contains(#"<button type="button" id="camera-button" class="secondary" hidden>Turn on camera preview</button>"#))
        #expect(html.contains("no picture or video leaves the browser"))
        #expect(html.contains("<noscript>"), "the page says why there is no preview without JavaScript")
        #expect(html.contains(#"data-unsupported="This browser does not allow camera access here (in-app browsers often block it)."#))

        // The policy allows exactly the script and the style on the page, by their hashes.
        let script = try #require(between(html, "<script>", "</script>"))
        let style = try #require(between(html, "<style>", "</style>"))
        #expect(script == CameraPreview.script)
        let policy = try #require(between(html, #"<meta http-equiv="Content-Security-Policy" content=""#, #"">"#))
        #expect(policy == "default-src &#39;none&#39;; style-src &#39;\(PageRenderer.cspHash(style))&#39;; "
                + "script-src &#39;\(PageRenderer.cspHash(script))&#39;; base-uri &#39;none&#39;")
        #expect(!html.contains("unsafe-inline"))
        #expect(html.components(separatedBy: "<script").count == 2, "one script")
        #expect(script.contains(#"getUserMedia({ video: { facingMode: "user" }, audio: false })"#))
        #expect(script.contains("track.stop()"))
    }

    @Test func cspHashIsTheBase64SHA256OfTheText() {
        #expect(PageRenderer.cspHash("") == "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect(PageRenderer.cspHash("alert(1)") == "sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=")
    }

    @Test func buttonsTakeThePageFontAndTheConsentBoxIsFingerSized() {
        let html = PageRenderer().startPage(token: "T", askConsent: true)
        #expect(html.contains("font:inherit"))
        #expect(html.contains(".consent input{flex:none;width:24px;height:24px"))
        #expect(html.contains(#"<label class="consent"><input type="checkbox" name="consent" value="yes" required><span>"#))
    }

    @Test func chineseResultsAndNoticesWhileTheAPIKeepsEnglish() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"Language": "zh-cn"}}"#)
        #expect(finish(sandbox, token: token, outcome: "liveness", extra: "&retry=yes&page=yes").status == 303)
        let capture = text(page(sandbox, "token=\(token)&step=capture&consent=yes"))
        #expect(capture.contains("上一次尝试失败（错误码 1005：活体检测未通过）。还剩 98 次尝试。"))
        #expect(capture.contains("本次失败：活体检测失败"))
        #expect(capture.contains("打开摄像头预览"))
        #expect(finish(sandbox, token: token, outcome: "pass", extra: "&page=yes").status == 303)
        let shown = text(page(sandbox, "token=\(token)&step=result"))
        #expect(shown.contains("核验成功，请点击下一步继续"))
        #expect(!shown.contains("Success"))
        #expect(string(try result(sandbox, token: token)["ErrorMsg"]) == "Success, tap next to continue")
        // A finished flow's page is refused in the flow's language.
        #expect(text(page(sandbox, "token=\(token)")).contains("核验已完成"))
    }

    @Test func everyLanguageHasAWordForEveryCodeAndOutcome() {
        for text in [PageText.english, .simplifiedChinese, .traditionalChinese] {
            for code in ResultCode.pageCodes { #expect(text.results[code] != nil, "\(text.htmlLang) \(code)") }
            for outcome in Outcome.allCases { #expect(text.outcomes[outcome] != nil, "\(text.htmlLang) \(outcome)") }
            if text.htmlLang != "en" {
                #expect(!text.results.values.contains { $0.contains(":") }, "full-width colons in Chinese")
                #expect(!text.attemptFailed(1005, "x", 2).contains(":"))
            }
        }
        #expect(PageText.english.result(1005) == ResultCode.message(1005))
        #expect(PageText.forLanguage("zh-tc").htmlLang == "zh-Hant")
        #expect(PageText.forLanguage("zh-cn").htmlLang == "zh-CN")
        #expect(PageText.forLanguage("th").htmlLang == "en")
        #expect(PageText.english.attemptFailed(1005, "Liveness detection failed", 1)
                == "The last attempt failed (code 1005: Liveness detection failed). 1 attempt left.")
    }

    @Test func autoSkipStartPageAsksConsentWithTheOutcome() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"AutoSkipStartPage": true}}"#)
        let html = text(page(sandbox, "token=\(token)"))
        #expect(html.contains(#"<form id="outcomes" method="post" action="/reflect/finish">"#))
        // Above the camera, which waits for it, and still sent (and required) with the outcome.
        #expect(html.contains(#"name="consent" value="yes" required form="outcomes">"#))
        #expect(html.components(separatedBy: #"name="consent""#)[0].count < html.components(separatedBy: #"id="camera""#)[0].count)
        let skipped = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"AutoSkipStartPage": true, "SkipPrivacyPolicy": true}}"#)
        #expect(!text(page(sandbox, "token=\(skipped)")).contains(#"name="consent""#))
    }

    @Test func noRetryFormWhenOneAttemptIsAllowed() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"LivenessRetryLimit": 1}}"#)
        #expect(!text(page(sandbox, "token=\(token)&step=capture")).contains(#"name="retry""#))
    }

    @Test func browserSeesTheResultPageUnlessAutoSkipOnSuccess() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        // POST-redirect-GET: finish redirects to the result page, which Back and reload show again.
        let finished = finish(sandbox, token: token, outcome: "liveness", extra: "&page=yes")
        #expect(finished.status == 303)
        let location = try #require(finished.headers.first { $0.name == "Location" }?.value)
        #expect(location == "/reflect/?token=\(token)&step=result")
        let shown = page(sandbox, "token=\(token)&step=result")
        #expect(shown.status == 200)
        #expect(page(sandbox, "token=\(token)&step=result").status == 200)
        #expect(text(shown).contains("https://merchant.example.com/done?token=\(token)"))
        #expect(text(shown).contains("1005"))

        let auto = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"AutoSkip": true}}"#)
        let skipped = finish(sandbox, token: auto, outcome: "pass", extra: "&page=yes")
        #expect(skipped.status == 303)
        let autoFailed = try applyToken(sandbox, #"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"AutoSkip": true}}"#)
        #expect(finish(sandbox, token: autoFailed, outcome: "timeout", extra: "&page=yes").headers.contains { $0.value.hasSuffix("&step=result") })
    }

    @Test func unknownTokensAndRoutes() throws {
        let (sandbox, _) = makeSandbox()
        #expect(page(sandbox, "token=81EEF678-28EE-4759-A82E-6CBBBE6BC442").status == 404)
        #expect(page(sandbox, "token=%3Cscript%3E").status == 404)
        #expect(!text(page(sandbox, "token=%3Cscript%3E")).contains("<script>"))
        #expect(page(sandbox, "").status == 404)
        // GET / is the API, as on Tencent's host: an unsigned one is a JSON error, not a 404 page.
        let unsigned = sandbox.handle(request(method: "GET", path: "/"), now: testNow)
        #expect(unsigned.status == 200 && header(unsigned, "Content-Type") == "application/json")
        #expect(try errorCode(unsigned) == "AuthFailure.InvalidAuthorization")
        #expect(sandbox.handle(request(method: "GET", path: "/reflect/finish"), now: testNow).status == 404)
        #expect(sandbox.handle(request(method: "GET", path: "/other"), now: testNow).status == 404)
    }

    @Test func bareReflectPathWorksToo() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        #expect(sandbox.handle(request(method: "GET", path: "/reflect", query: "token=\(token)"), now: testNow + 1).status == 200)
    }

    @Test func formDecoding() {
        let fields = FormFields("token=A%2DB&outcome=user-exit&x=a+b&token=second")
        #expect(fields["token"] == "A-B")
        #expect(fields["outcome"] == "user-exit")
        #expect(fields["x"] == "a b")
        // Read as the handlers read forms (FormEncoding): a malformed escape spoils the whole input.
        #expect(FormFields("token=A&x=%zz").all.isEmpty)
    }
}

/// The text between the first `start` and the next `end`.
private func between(_ text: String, _ start: String, _ end: String) -> String? {
    let after = text.components(separatedBy: start)
    guard after.count > 1, let inner = after[1].components(separatedBy: end).first, inner != after[1] else { return nil }
    return inner
}
