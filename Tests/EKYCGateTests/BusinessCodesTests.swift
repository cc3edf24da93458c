import Foundation
import Testing
@testable import EKYCGate

/// The table of Tencent's business codes: what the verdict does with each, and the doc made from it.
@Suite struct BusinessCodesTests {
    static let docPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/RESULT-CODES.md").standardized.path
    static let begin = "<!-- BEGIN generated from BusinessCodes.table -->\n"
    static let end = "<!-- END generated -->"

    let pending = TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: String(repeating: "a", count: 64), extra: nil)

    /// 17 "process not finished" is no result: a later pass must still be read.
    @Test func processNotFinishedIsPendingAndALaterPassIsRead() throws {
        #expect(ResultRecorder.verdict(pending, answer: GetResultResponse(errorCode: 17, errorMsg: "Process not finished"), now: 2_000) == nil)
        let passed = try #require(ResultRecorder.verdict(pending, answer: GetResultResponse(errorCode: 0), now: 2_001))
        #expect(passed.status == .passed)
    }

    @Test func everyDocumentedCodeHasOneRowAndAMeaning() {
        let codes = BusinessCodes.table.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(BusinessCodes.table.filter { $0.meaning == .pending }.map(\.code) == [17])
        #expect(BusinessCodes.meaning(0) == .passed)
        #expect(ResultReason.of(errorCode: 1410) == .userExit)
        #expect(ResultReason.of(errorCode: 2016) == .comparison)
        #expect(ResultReason.of(errorCode: 16, detail: VerificationDetail(livenessErrorCode: 0, compareErrorCode: 2016)) == .comparison)
        // Undocumented codes fail by range; they never pass and never stay pending.
        #expect(BusinessCodes.meaning(1999) == .failed(.liveness))
        #expect(BusinessCodes.meaning(-9102) == .failed(.document))
        #expect(BusinessCodes.meaning(99_999) == .failed(.system))
    }

    /// docs/RESULT-CODES.md holds the table as generated; regenerate it with
    /// `EKYC_WRITE_DOCS=1 swift test --filter BusinessCodesTests`.
    @Test func docTableMatchesTheCode() throws {
        let doc = try String(contentsOfFile: Self.docPath, encoding: .utf8)
        let start = try #require(doc.range(of: Self.begin), "docs/RESULT-CODES.md lost its BEGIN marker")
        let stop = try #require(doc.range(of: Self.end, range: start.upperBound..<doc.endIndex), "docs/RESULT-CODES.md lost its END marker")
        let generated = BusinessCodes.markdownTable()
        if ProcessInfo.processInfo.environment["EKYC_WRITE_DOCS"] == "1" {
            try (doc[..<start.upperBound] + generated + doc[stop.lowerBound...]).write(toFile: Self.docPath, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(doc[start.upperBound..<stop.lowerBound]) == generated,
                "docs/RESULT-CODES.md differs from BusinessCodes.table: run EKYC_WRITE_DOCS=1 swift test --filter BusinessCodesTests")
    }
}
