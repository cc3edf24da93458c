/// Tencent's business result codes of the mobile HTML5 flow (the `ErrorCode` of
/// GetWebVerificationResultIntl and of each VerificationDetail), one row per documented code:
/// its text and what it means for a verification. The handlers' verdict, the sandbox's messages
/// and the table in docs/RESULT-CODES.md all come from here (a test keeps the doc in step).
public struct BusinessCode: Sendable, Equatable {
    /// What a code means for the verification as a whole.
    public enum Meaning: Sendable, Equatable {
        case passed
        /// The user has not finished yet: not a result, ask again later.
        case pending
        case failed(ResultReason)
        /// Failed; the reason is that of the last attempt (liveness or comparison).
        case failedAsLastAttempt
    }

    public var code: Int64
    public var message: String
    public var meaning: Meaning

    init(_ code: Int64, _ message: String, _ meaning: Meaning) {
        self.code = code
        self.message = message
        self.meaning = meaning
    }
}

/// The documented codes (ekyc-api.md §3.4, Tencent's "Error Codes" page and its older copies).
public enum BusinessCodes {
    public static let table: [BusinessCode] = [
        .init(0, "Success, tap next to continue", .passed),
        .init(1, "Invalid parameter", .failed(.system)),
        .init(2, "Incorrect parameter value", .failed(.system)),
        .init(3, "Bad request", .failed(.system)),
        .init(4, "Internal service error", .failed(.system)),
        .init(8, "Internal service error (file store failed)", .failed(.system)),
        .init(9, "Internal service error (invalid file format)", .failed(.system)),
        .init(10, "Internal service error (file system error)", .failed(.system)),
        .init(11, "Internal service error (file system timeout)", .failed(.system)),
        .init(14, "Verification already completed", .failed(.system)),
        .init(15, "Token expired", .failed(.expired)),
        .init(16, "Retry limit reached", .failedAsLastAttempt),
        .init(17, "Process not finished", .pending),
        .init(202, "Failed to get video", .failed(.liveness)),
        .init(1001, "Liveness engine call failed", .failed(.liveness)),
        .init(1002, "Suspected spoofed recording", .failed(.liveness)),
        .init(1003, "Real-person detection failed", .failed(.liveness)),
        .init(1004, "Face detection failed", .failed(.liveness)),
        .init(1005, "Liveness detection failed", .failed(.liveness)),
        .init(1101, "No sound detected", .failed(.liveness)),
        .init(1102, "Face not fully exposed", .failed(.liveness)),
        .init(1103, "Speech recognition failed", .failed(.liveness)),
        .init(1104, "Video format incorrect", .failed(.liveness)),
        .init(1105, "Failed to pull the video", .failed(.liveness)),
        .init(1106, "Video volume too low", .failed(.liveness)),
        .init(1107, "Video empty or wrong size", .failed(.liveness)),
        .init(1108, "Video definition too low", .failed(.liveness)),
        .init(1109, "Lip movement too small", .failed(.liveness)),
        .init(1201, "Lighting too dim", .failed(.liveness)),
        .init(1202, "Lighting too strong", .failed(.liveness)),
        .init(1203, "Face too close to the screen", .failed(.liveness)),
        .init(1204, "Face too far to the right", .failed(.liveness)),
        .init(1205, "Face too far from the screen", .failed(.liveness)),
        .init(1206, "Face too far to the left", .failed(.liveness)),
        .init(1207, "No eye-closing detected", .failed(.liveness)),
        .init(1208, "First action not detected", .failed(.liveness)),
        .init(1209, "No mouth-opening detected", .failed(.liveness)),
        .init(1210, "No full face detected", .failed(.liveness)),
        .init(1301, "Real-person detection failed", .failed(.liveness)),
        .init(1302, "Real-person detection below passing standard", .failed(.liveness)),
        .init(1303, "Video too short", .failed(.liveness)),
        .init(1401, "Reflection liveness failed", .failed(.liveness)),
        .init(1409, "Verification process timed out", .failed(.timeout)),
        .init(1410, "User exited voluntarily", .failed(.userExit)),
        .init(2001, "Comparison engine call failed", .failed(.comparison)),
        .init(2004, "Uploaded image too large or too small", .failed(.comparison)),
        .init(2009, "Uploaded image resolution too low", .failed(.comparison)),
        .init(2010, "Face detection failed; no photo for comparison", .failed(.comparison)),
        .init(2011, "Real-person comparison failed", .failed(.comparison)),
        .init(2012, "Multiple faces detected", .failed(.comparison)),
        .init(2013, "No full face detected", .failed(.comparison)),
        .init(2014, "Uploaded image resolution too low", .failed(.comparison)),
        .init(2015, "Comparison failed", .failed(.comparison)),
        .init(2016, "Similarity below passing standard", .failed(.comparison)),
    ]

    private static let byCode: [Int64: BusinessCode] = Dictionary(uniqueKeysWithValues: table.map { ($0.code, $0) })

    public static func entry(_ code: Int64) -> BusinessCode? { byCode[code] }

    /// A code not in the table: by its documented range (1xxx liveness, 2xxx comparison,
    /// 3xxx and -9xxx the document), else a system failure. Never pending and never passed:
    /// an unknown code must not let anyone through or keep a verification open forever.
    public static func meaning(_ code: Int64) -> BusinessCode.Meaning {
        if let entry = byCode[code] { return entry.meaning }
        switch code {
        case 1000...1999: return .failed(.liveness)
        case 2000...2999: return .failed(.comparison)
        case -9999 ... -9000, 3000...3999: return .failed(.document)
        default: return .failed(.system)
        }
    }

    /// Tencent's text for a code; "Internal service error" for one not documented.
    public static func message(_ code: Int64) -> String { byCode[code]?.message ?? "Internal service error" }

    /// The Markdown table of docs/RESULT-CODES.md.
    public static func markdownTable() -> String {
        var lines = ["| ErrorCode | Tencent's text | status | reason |", "|---|---|---|---|"]
        for entry in table {
            let (status, reason): (String, String)
            switch entry.meaning {
            case .passed: (status, reason) = ("passed", "–")
            case .pending: (status, reason) = ("pending (202, asked again)", "–")
            case .failed(let why): (status, reason) = ("failed", "`\(why.rawValue)`")
            case .failedAsLastAttempt: (status, reason) = ("failed", "of the last attempt: `liveness` or `comparison`")
            }
            lines.append("| \(entry.code) | \(entry.message) | \(status) | \(reason) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
