/// The page's words in the languages the sandbox speaks: English and Simplified Chinese.
/// Other `Config.Language` values (th, id, zh-tc) fall back to the nearest of the two.
struct PageText: Sendable {
    var htmlLang: String
    var banner: String
    var title: String
    var intro: String
    var consent: String
    var start: String
    var captureTitle: String
    var captureHint: String
    var outcomes: [Outcome: String]
    var retryTitle: String
    var retryButton: String
    var attemptFailed: String
    var attemptsLeft: String
    var resultTitle: String
    var next: String
    var errorTitle: String
    var unknownToken: String
    var code: String

    static func forLanguage(_ language: String) -> PageText {
        language.hasPrefix("zh") ? chinese : english
    }

    static let english = PageText(
        htmlLang: "en",
        banner: "eKYC sandbox — not a real verification",
        title: "Identity verification",
        intro: "This page stands in for Tencent's eKYC page. No camera is used and nothing is checked: you choose the result.",
        consent: "I agree that my face may be processed for identity verification (privacy policy).",
        start: "Start verification",
        captureTitle: "Choose the outcome",
        captureHint: "Each button ends the flow with Tencent's code for that outcome.",
        outcomes: [
            .pass: "Pass", .liveness: "Liveness failed", .mismatch: "Face does not match",
            .multipleFaces: "Multiple faces", .timeout: "Time out", .userExit: "Exit",
        ],
        retryTitle: "Or fail this attempt and try again",
        retryButton: "Fail attempt",
        attemptFailed: "The last attempt failed",
        attemptsLeft: "attempts left",
        resultTitle: "Result",
        next: "Next",
        errorTitle: "This verification link cannot be used",
        unknownToken: "The link is unknown or malformed.",
        code: "code")

    static let chinese = PageText(
        htmlLang: "zh-CN",
        banner: "eKYC 沙箱 — 不是真实的身份核验",
        title: "身份核验",
        intro: "本页面模拟腾讯云 eKYC 页面，不会使用摄像头，也不做任何检测：结果由您选择。",
        consent: "我同意为身份核验处理我的人脸信息（隐私政策）。",
        start: "开始核验",
        captureTitle: "选择结果",
        captureHint: "每个按钮都会以腾讯对应的结果码结束流程。",
        outcomes: [
            .pass: "通过", .liveness: "活体检测失败", .mismatch: "人脸比对不一致",
            .multipleFaces: "检测到多张人脸", .timeout: "超时", .userExit: "退出",
        ],
        retryTitle: "或让本次尝试失败并重试",
        retryButton: "本次失败",
        attemptFailed: "上一次尝试失败",
        attemptsLeft: "次剩余尝试",
        resultTitle: "结果",
        next: "下一步",
        errorTitle: "此核验链接无法使用",
        unknownToken: "链接不存在或格式错误。",
        code: "错误码")
}
