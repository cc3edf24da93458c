import Foundation
import Testing
@testable import EKYCGate

/// The deliverer with a scripted receiver and a clock the test moves: what is sent, when it
/// is sent again, when it is given up, and that a 2xx is the only thing that marks delivered.
@Suite struct DelivererTests {
    static let key = WebhookSignatureTests.key
    let store = MemoryTokenStore()
    let webhooks = Webhooks(url: "https://shop.example.com/ekyc/webhook", key: DelivererTests.key)
    let receiver = Receiver()
    let clock = Clock(1_000_000)

    final class Receiver: @unchecked Sendable {
        var outcomes: [WebhookOutcome] = []
        var received: [WebhookRequest] = []
        func send(_ request: WebhookRequest) -> WebhookOutcome {
            received.append(request)
            return outcomes.isEmpty ? .answered(status: 200, body: []) : outcomes.removeFirst()
        }
        func header(_ index: Int, _ name: String) -> String? {
            received[index].headers.first { $0.name == name }?.value
        }
        func json(_ index: Int) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(received[index].body))) as? [String: Any] ?? [:]
        }
    }

    final class Clock: @unchecked Sendable {
        var now: Int64
        init(_ now: Int64) { self.now = now }
    }

    func deliverer(_ settings: Webhooks? = nil, random: Double = 0.5) -> Deliverer {
        let clock = clock, receiver = receiver
        return Deliverer(config: settings ?? webhooks, outbox: store, store: store, send: { receiver.send($0) },
                         clock: { clock.now }, random: { random })
    }

    /// A verification that finished `passed` now, recorded as the callback records it.
    @discardableResult
    func finish(_ token: String = Fixtures.token, status: TokenRecord.Status = .passed, errorCode: Int64 = 0) throws -> VerificationEvent {
        var record = TokenRecord(token: token, created: clock.now - 60, sessionHash: String(repeating: "a", count: 64), extra: "order-42")
        record.status = status
        record.result = StoredResult(errorCode: errorCode, errorMsg: errorCode == 0 ? "Success" : "Liveness failed",
                                     reason: errorCode == 0 ? nil : "liveness", attempts: [], requestId: "req-1", completed: clock.now)
        _ = try ResultRecorder(store: store, events: store).keep(record, now: clock.now)
        return try #require(try store.event(id: VerificationEvent.id(token: token)))
    }

    @Test func aDueEventIsSentSignedOnceAndMarkedDelivered() throws {
        let event = try finish()
        let stats = try deliverer().deliverDue(now: clock.now)
        #expect(stats.delivered == 1 && stats.attempted == 1 && !stats.stoppedEarly)
        #expect(receiver.received.count == 1)
        let request = receiver.received[0]
        #expect(request.url == webhooks.url)
        #expect(receiver.header(0, "EKYC-Event-Id") == event.id)
        #expect(receiver.header(0, "Content-Type") == "application/json")
        #expect(WebhookSignature.verify(header: receiver.header(0, "EKYC-Signature"), body: request.body, key: Self.key, now: clock.now) == .valid)
        let body = receiver.json(0)
        #expect(body["id"] as? String == event.id && body["type"] as? String == "verification.passed")
        #expect((body["created"] as? NSNumber)?.int64Value == clock.now)
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["id"] as? String == Fixtures.token && data["ref"] as? String == "order-42")
        #expect(data["status"] as? String == "passed" && (data["errorCode"] as? NSNumber) == 0 && data["requestId"] as? String == "req-1")
        #expect(try store.event(id: event.id)?.deliveredAt == clock.now)
        // Delivered: neither the next round nor the result recorded again sends it again.
        try finish()
        #expect(try deliverer().deliverDue(now: clock.now + 86_400).attempted == 0)
        #expect(receiver.received.count == 1)
    }

    /// The webhook's data is the callback's answer under the event's names: one builder.
    @Test func theDataIsTheCallbacksAnswerWithIdAndRef() throws {
        try finish(status: .failed, errorCode: 1001)
        _ = try deliverer().deliverDue(now: clock.now)
        let data = try #require(receiver.json(0)["data"] as? [String: Any])
        let session = Fixtures.session(0xcd)
        var record = try #require(try store.load(token: Fixtures.token))
        record.sessionHash = SessionID.hash(session)
        let reader = MemoryTokenStore()
        try reader.save(record)
        let answer = CallbackHandler(config: try Fixtures.config(), api: FakeFaceID(), store: reader)
            .handle(Fixtures.get("/ekyc/callback", query: "token=\(Fixtures.token)", cookie: "ekyc_session=\(session)"))
        var expected = Fixtures.json(answer)
        expected["id"] = expected.removeValue(forKey: "token")
        expected["ref"] = expected.removeValue(forKey: "extra")
        #expect(NSDictionary(dictionary: data) == NSDictionary(dictionary: expected))
        #expect(data["reason"] as? String == "liveness")
    }

    /// 500, 500, 500, then 200: the same event four times, each wait twice the last (jitter
    /// at its top), then delivered once and never again.
    @Test func failuresAreRetriedWithBackoffUntilA2xx() throws {
        let event = try finish()
        receiver.outcomes = [.answered(status: 500, body: Array("busy".utf8)), .answered(status: 503, body: []), .noAnswer("Timeout was reached")]
        let delivering = deliverer(random: 0.999_999)
        var waits: [Int64] = []
        for _ in 0..<3 {
            #expect(try delivering.deliverDue(now: clock.now).retrying == 1)
            let stored = try #require(try store.event(id: event.id))
            waits.append(stored.nextAttempt - clock.now)
            #expect(try delivering.deliverDue(now: stored.nextAttempt - 1).attempted == 0, "not before its time")
            clock.now = stored.nextAttempt
        }
        #expect(waits == [29, 59, 119])
        #expect(try store.event(id: event.id)?.lastError == "Timeout was reached")
        #expect(try delivering.deliverDue(now: clock.now).delivered == 1)
        #expect(receiver.received.count == 4 && Set(receiver.received.map { $0.headers.first { $0.name == "EKYC-Event-Id" }?.value }) == [event.id])
        let stored = try #require(try store.event(id: event.id))
        #expect(stored.attempts == 4 && stored.deliveredAt == clock.now && stored.lastError == nil)
        #expect(try delivering.deliverDue(now: clock.now + 86_400).attempted == 0)
    }

    @Test func aStatusAnswerIsRecordedWithWhatTheReceiverSaid() throws {
        let event = try finish()
        receiver.outcomes = [.answered(status: 302, body: Array("Moved \"elsewhere\"\n".utf8))]
        _ = try deliverer().deliverDue(now: clock.now)
        #expect(try store.event(id: event.id)?.lastError == "HTTP 302 (redirects are not followed: set webhook_url to the final address): Moved elsewhere")
    }

    /// A receiver that does not answer is not waited on once per due event.
    @Test func noAnswerEndsTheRoundAndTheNextEventGoesFirstNextTime() throws {
        let first = try finish("AAAAAAAA-0000-0000-0000-000000000001")
        clock.now += 1
        let second = try finish("AAAAAAAA-0000-0000-0000-000000000002")
        receiver.outcomes = [.noAnswer("Couldn't connect to server")]
        let stats = try deliverer().deliverDue(now: clock.now)
        #expect(stats.retrying == 1 && stats.stoppedEarly && receiver.received.count == 1)
        #expect(receiver.header(0, "EKYC-Event-Id") == first.id)
        #expect(try deliverer().deliverDue(now: clock.now).delivered == 1)
        #expect(receiver.header(1, "EKYC-Event-Id") == second.id)
    }

    /// The last attempt is at the give-up time exactly; a failure then gives the event up, and
    /// it stays listed with its last error.
    @Test func anEventIsGivenUpAtItsTimeAndStaysListed() throws {
        let settings = Webhooks(url: webhooks.url, key: Self.key, retryBaseSeconds: 600, retryMaxSeconds: 3_600, giveUpSeconds: 3_600)
        let event = try finish()
        receiver.outcomes = Array(repeating: .answered(status: 500, body: []), count: 10)
        clock.now = event.created + 3_300
        _ = try deliverer(settings).deliverDue(now: clock.now)
        #expect(try store.event(id: event.id)?.nextAttempt == event.created + 3_600)
        clock.now = event.created + 3_600
        let stats = try deliverer(settings).deliverDue(now: clock.now)
        #expect(stats.givenUp == 1)
        let given = try #require(try store.event(id: event.id))
        #expect(given.givenUpAt == clock.now && given.deliveredAt == nil && given.lastError == "HTTP 500")
        #expect(try store.undelivered(limit: 10) == [given])
        #expect(try deliverer(settings).deliverDue(now: clock.now + 86_400).attempted == 0)
        // The operator's redelivery gets it one more try.
        receiver.outcomes = []
        try store.update(given.redelivered(now: clock.now))
        #expect(try deliverer(settings).deliverDue(now: clock.now).delivered == 1)
    }

    @Test func anEventWhoseRecordIsGoneIsGivenUpUnsent() throws {
        let event = try finish()
        try store.remove(token: Fixtures.token)
        #expect(try deliverer().deliverDue(now: clock.now).givenUp == 1)
        #expect(receiver.received.isEmpty)
        #expect(try store.event(id: event.id)?.lastError?.contains("record is gone") == true)
    }

    @Test func proceedFalseSendsNothing() throws {
        try finish()
        let stats = try deliverer().deliverDue(now: clock.now, proceed: { false })
        #expect(stats.attempted == 0 && stats.stoppedEarly && receiver.received.isEmpty)
    }

    @Test func theScheduleDoublesUpToItsCapWithJitterInTheUpperHalf() {
        let schedule = DeliverySchedule(Webhooks(url: webhooks.url, key: Self.key))
        for attempts in 1...80 {
            let full = min(Int64(30) << Int64(min(attempts - 1, 40)), 3_600)
            let low = schedule.delay(afterAttempts: attempts, random: 0), high = schedule.delay(afterAttempts: attempts, random: 0.999_999)
            #expect(low == full - full / 2 && high == full - 1 || (full == 1 && high == 1), "attempt \(attempts)")
        }
    }
}

/// What `ekyc-start events` shows an operator.
@Suite struct EventsListTests {
    @Test func theListShowsStateWithoutTheToken() throws {
        var record = TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: "", extra: nil)
        record.status = .failed
        var waiting = try #require(VerificationEvent(final: record, now: 1_000))
        waiting.attempts = 2
        waiting.nextAttempt = 1_773_567_000
        waiting.lastError = "HTTP 500: busy"
        var abandoned = waiting
        abandoned.givenUpAt = 2_000
        let text = EventsCommand.list([waiting, abandoned], now: 1_500)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[0].hasPrefix("ID") && lines[0].hasSuffix("LAST ERROR"))
        #expect(lines[1].contains(waiting.id) && lines[1].contains("verification.failed") && lines[1].contains("2026-03-15T09:30:00Z")
            && lines[1].hasSuffix("HTTP 500: busy"))
        #expect(lines[2].contains("given up"))
        #expect(!text.contains(Fixtures.token) && text.contains(TokenFormat.logID(Fixtures.token)))
        #expect(EventsCommand.list([], now: 0) == "no undelivered events\n")
    }
}
