/// The page's words in the languages the sandbox speaks: English, Simplified and Traditional
/// Chinese. Other `Config.Language` values (th, id) get English. Only the page is translated: the
/// API's `ErrorMsg` stays Tencent's English (`ResultCode.message`).
struct PageText: Sendable {
    var htmlLang: String
    /// Fonts tried before the system's default: the right glyph shapes for the script.
    var fonts: String
    /// Between a label and what it names: ": " in English, the full-width "：" in Chinese.
    var colon: String
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
    /// The notice after a failed attempt: its code, that code's message, the attempts left.
    var attemptFailed: @Sendable (_ code: Int, _ message: String, _ attemptsLeft: Int) -> String
    var camera: CameraText
    var resultTitle: String
    /// The page's words for the codes of `ResultCode.message`; a code not listed reads as `internalError`.
    var results: [Int: String]
    var internalError: String
    var next: String
    var errorTitle: String
    var unknownToken: String
    var code: String

    /// The camera preview's words: its buttons, why there is no preview, what happens to the picture.
    struct CameraText: Sendable {
        var turnOn: String
        var turnOff: String
        /// No camera API at all (in-app browsers).
        var unsupported: String
        /// The page is not a secure context (plain http on a host other than localhost).
        var insecure: String
        var denied: String
        var missing: String
        var failed: String
        var noScript: String
        var staysHere: String
    }

    static func forLanguage(_ language: String) -> PageText {
        switch language {
        case "zh-tc": traditionalChinese
        case let other where other.hasPrefix("zh"): simplifiedChinese
        default: english
        }
    }

    func result(_ code: Int) -> String { results[code] ?? internalError }

    static let english = PageText(
        htmlLang: "en",
        fonts: "",
        colon: ": ",
        banner: "eKYC sandbox — not a real verification",
        title: "Identity verification",
        intro: "This page stands in for Tencent's eKYC page. Nothing is checked: you choose the result.",
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
        attemptFailed: { code, message, left in
            "The last attempt failed (code \(code): \(message)). \(left) \(left == 1 ? "attempt" : "attempts") left."
        },
        camera: CameraText(
            turnOn: "Turn on camera preview",
            turnOff: "Turn off camera preview",
            unsupported: "This browser does not allow camera access here (in-app browsers often block it). "
                + "Open the page in Safari or Chrome to see the preview; you can still choose an outcome below.",
            insecure: "The camera is only available on secure pages (https or localhost), and this page was opened over plain http. "
                + "Open it over https to see the preview; you can still choose an outcome below.",
            denied: "Camera access was denied. Allow the camera for this site in the browser's settings to see the preview; "
                + "you can still choose an outcome below.",
            missing: "No camera was found. You can still choose an outcome below.",
            failed: "The camera could not be started (another app may be using it). You can still choose an outcome below.",
            noScript: "The camera preview needs JavaScript; you can still choose an outcome below.",
            staysHere: "The preview stays on this phone: no picture or video leaves the browser, and nothing is recorded or checked."),
        resultTitle: "Result",
        results: Dictionary(uniqueKeysWithValues: ResultCode.pageCodes.map { ($0, ResultCode.message($0)) }),
        internalError: ResultCode.message(-1),
        next: "Next",
        errorTitle: "This verification link cannot be used",
        unknownToken: "The link is unknown or malformed.",
        code: "code")
}
