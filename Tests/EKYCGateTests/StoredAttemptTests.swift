import Foundation
import Testing
@testable import EKYCGate

/// The store keeps its own record of an attempt; its JSON is the one stores have always held.
@Suite struct StoredAttemptTests {
    static let detail = VerificationDetail(errorCode: 1001, errorMsg: "Liveness failed", livenessErrorCode: 1001,
                                           livenessErrorMsg: "blink", compareErrorCode: 0, compareErrorMsg: "ok",
                                           reqTimestamp: 1_700_000_000_000, similarity: 93.5, seq: "seq-1",
                                           livenessInfoTag: ["01", "02"])

    /// Encoded as Tencent's model was encoded when the store held that model.
    @Test func encodesAsTheAPIModelDid() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(StoredAttempt(Self.detail)) == encoder.encode(Self.detail))
        #expect(try encoder.encode(StoredAttempt(VerificationDetail())) == encoder.encode(VerificationDetail()))
    }

    /// A result stored by an earlier version reads.
    @Test func readsAResultStoredBefore() throws {
        let stored = #"{"errorCode": 16, "errorMsg": "retry limit", "reason": "liveness", "requestId": "r-1", "completed": 1700000030,"#
            + #" "attempts": [{"ErrorCode": 1001, "ErrorMsg": "Liveness failed", "LivenessErrorCode": 1001, "LivenessErrorMsg": "blink","#
            + #" "CompareErrorCode": 0, "CompareErrorMsg": "ok", "ReqTimestamp": 1700000000000, "Similarity": 93.5, "Seq": "seq-1","#
            + #" "LivenessInfoTag": ["01", "02"]}, {}]}"#
        let result = try JSONDecoder().decode(StoredResult.self, from: Data(stored.utf8))
        #expect(result.attempts == [StoredAttempt(Self.detail), StoredAttempt()])
    }
}
