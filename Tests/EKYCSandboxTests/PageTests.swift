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
        let token = try applyToken(sandbox, ##"{"RedirectURL": "https://a.example/", "Config": {"ThemeColor": "#112233"}}"##)
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
        #expect(!html.contains("http://") && !html.contains("https://"), "no external assets")
    }

    @Test func chinesePage() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"Language": "zh-cn"}}"#)
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

    @Test func autoSkipStartPageAsksConsentWithTheOutcome() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"AutoSkipStartPage": true}}"#)
        let html = text(page(sandbox, "token=\(token)"))
        #expect(html.contains(#"action="/reflect/finish""#))
        #expect(html.contains(#"name="consent""#))
        let skipped = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"AutoSkipStartPage": true, "SkipPrivacyPolicy": true}}"#)
        #expect(!text(page(sandbox, "token=\(skipped)")).contains(#"name="consent""#))
    }

    @Test func noRetryFormWhenOneAttemptIsAllowed() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"LivenessRetryLimit": 1}}"#)
        #expect(!text(page(sandbox, "token=\(token)&step=capture")).contains(#"name="retry""#))
    }

    @Test func browserSeesTheResultPageUnlessAutoSkipOnSuccess() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        let shown = finish(sandbox, token: token, outcome: "liveness", extra: "&page=yes")
        #expect(shown.status == 200)
        #expect(text(shown).contains("https://merchant.example.com/done?token=\(token)"))
        #expect(text(shown).contains("1005"))

        let auto = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"AutoSkip": true}}"#)
        let skipped = finish(sandbox, token: auto, outcome: "pass", extra: "&page=yes")
        #expect(skipped.status == 303)
        let autoFailed = try applyToken(sandbox, #"{"RedirectURL": "https://a.example/", "Config": {"AutoSkip": true}}"#)
        #expect(finish(sandbox, token: autoFailed, outcome: "timeout", extra: "&page=yes").status == 200)
    }

    @Test func unknownTokensAndRoutes() {
        let (sandbox, _) = makeSandbox()
        #expect(page(sandbox, "token=81EEF678-28EE-4759-A82E-6CBBBE6BC442").status == 404)
        #expect(page(sandbox, "token=%3Cscript%3E").status == 404)
        #expect(!text(page(sandbox, "token=%3Cscript%3E")).contains("<script>"))
        #expect(page(sandbox, "").status == 404)
        #expect(sandbox.handle(request(method: "GET", path: "/"), now: testNow).status == 404)
        #expect(sandbox.handle(request(method: "GET", path: "/reflect/finish"), now: testNow).status == 404)
        #expect(sandbox.handle(request(method: "GET", path: "/other"), now: testNow).status == 404)
    }

    @Test func bareReflectPathWorksToo() throws {
        let (sandbox, _) = makeSandbox()
        let token = try applyToken(sandbox)
        #expect(sandbox.handle(request(method: "GET", path: "/reflect", query: "token=\(token)"), now: testNow + 1).status == 200)
    }

    @Test func formDecoding() {
        let fields = FormFields("token=A%2DB&outcome=user-exit&x=a+b%zz&token=second")
        #expect(fields["token"] == "A-B")
        #expect(fields["outcome"] == "user-exit")
        #expect(fields["x"] == "a b%zz")
    }
}
