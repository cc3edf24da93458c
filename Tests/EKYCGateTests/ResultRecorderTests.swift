import Testing
import EKYCGate

@Suite struct ResultRecorderTests {
    let pending = TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: String(repeating: "a", count: 64), extra: "order-1")

    final class Outbox: EventOutbox, @unchecked Sendable {
        var events: [String: VerificationEvent] = [:]
        func enqueue(_ event: VerificationEvent) throws(StoreError) -> Bool {
            guard events[event.id] == nil else { return false }
            events[event.id] = event
            return true
        }
    }

    @Test func pendingWhileErrorCodeIsNullThenAVerdict() throws {
        #expect(ResultRecorder.verdict(pending, answer: GetResultResponse(requestId: "r"), now: 2_000) == nil)
        let failed = try #require(ResultRecorder.verdict(pending, answer: GetResultResponse(errorCode: 1001, errorMsg: "no", requestId: "r"), now: 2_000))
        #expect(failed.status == .failed && failed.result?.completed == 2_000)
    }

    /// Two readers ask Tencent at once and both get a final answer: the first write stands and
    /// both serve it, with its RequestId; one event, whatever the number of writers.
    @Test func racingReadersServeTheStoredResultAndEnqueueOneEvent() throws {
        let store = MemoryTokenStore(), outbox = Outbox()
        try store.save(pending)
        let recorder = ResultRecorder(store: store, events: outbox)
        let first = try #require(ResultRecorder.verdict(pending, answer: GetResultResponse(errorCode: 0, errorMsg: "Success", requestId: "first"), now: 2_000))
        let second = try #require(ResultRecorder.verdict(pending, answer: GetResultResponse(errorCode: 0, errorMsg: "Success", requestId: "second"), now: 2_001))
        #expect(try recorder.keep(first, now: 2_000).result?.requestId == "first")
        #expect(try recorder.keep(second, now: 2_001).result?.requestId == "first")
        #expect(outbox.events.count == 1)
        let event = try #require(outbox.events.values.first)
        #expect(event.type == .passed && event.token == Fixtures.token && event.created == 2_000)
        #expect(event.id == VerificationEvent.id(token: Fixtures.token) && event.id.hasPrefix("evt_"))
    }
}
