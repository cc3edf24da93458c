import Foundation
import Testing
import EKYCGate

/// The webhook signature against a value computed outside Swift (Python's hmac, the formula of
/// README's "Webhooks"), and the verifier a receiver runs.
@Suite struct WebhookSignatureTests {
    static let key = "ekycGateTestWebhookKey000000000000000000"
    static let body = Array(#"{"id":"evt_0"}"#.utf8)
    static let t: Int64 = 1_773_567_000
    /// hmac.new(key, b"1773567000." + body, hashlib.sha256).hexdigest()
    static let expected = "343e57bbc651c690dda2b6d56d58b2de68f3c0a3dc8954889cc29b94e1128957"

    @Test func theHeaderIsTimeAndHMACOfTimeDotBody() {
        #expect(WebhookSignature.sign(key: Self.key, timestamp: Self.t, body: Self.body) == "t=1773567000,v1=\(Self.expected)")
    }

    @Test func aSignedBodyVerifiesWithinTheTolerance() {
        let header = WebhookSignature.sign(key: Self.key, timestamp: Self.t, body: Self.body)
        for now in [Self.t, Self.t + 300, Self.t - 300] {
            #expect(WebhookSignature.verify(header: header, body: Self.body, key: Self.key, now: now) == .valid)
        }
        #expect(WebhookSignature.verify(header: header, body: Self.body, key: Self.key, now: Self.t + 301) == .stale)
        #expect(WebhookSignature.verify(header: header, body: Self.body, key: Self.key, now: Self.t - 301) == .stale)
    }

    @Test func aChangedBodyTimeOrKeyIsAMismatch() {
        let header = WebhookSignature.sign(key: Self.key, timestamp: Self.t, body: Self.body)
        let changed = Array(#"{"id":"evt_1"}"#.utf8)
        #expect(WebhookSignature.verify(header: header, body: changed, key: Self.key, now: Self.t) == .mismatch)
        let moved = header.replacingOccurrences(of: "t=1773567000", with: "t=1773567001")
        #expect(WebhookSignature.verify(header: moved, body: Self.body, key: Self.key, now: Self.t) == .mismatch)
        #expect(WebhookSignature.verify(header: header, body: Self.body, key: Self.key + "x", now: Self.t) == .mismatch)
        // A stale signature that is also forged is a mismatch: the time says nothing before the MAC holds.
        #expect(WebhookSignature.verify(header: header, body: changed, key: Self.key, now: Self.t + 10_000) == .mismatch)
    }

    /// During a key change a sender may sign with both keys: any one matching is enough.
    @Test func anyOfSeveralV1Matches() {
        let header = "t=\(Self.t),v1=\(String(repeating: "0", count: 64)),v1=\(Self.expected),v0=zz"
        #expect(WebhookSignature.verify(header: header, body: Self.body, key: Self.key, now: Self.t) == .valid)
    }

    @Test func malformedHeadersAreRefusedWithAReason() {
        for header in [nil, "", "v1=\(Self.expected)", "t=\(Self.t)", "t=\(Self.t),v1=abc", "t=-5,v1=\(Self.expected)",
                       "t=1,t=2,v1=\(Self.expected)", "t=99999999999999999999,v1=\(Self.expected)", "garbage",
                       String(repeating: "t=1,", count: 400)] {
            guard case .malformed = WebhookSignature.verify(header: header, body: Self.body, key: Self.key, now: Self.t) else {
                Issue.record("accepted or mismatched: \(header ?? "nil")")
                continue
            }
        }
    }

    @Test func anExtremeTimeIsStaleNotACrash() {
        let header = WebhookSignature.sign(key: Self.key, timestamp: Int64.max, body: Self.body)
        #expect(WebhookSignature.verify(header: header, body: Self.body, key: Self.key, now: Int64.min) == .stale)
    }
}
