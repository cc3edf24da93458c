import Foundation
import Testing
import FastCGI
@testable import EKYCGate

/// The reconciler's core with the memory store, a fake API and a clock that only the test moves:
/// what it asks, what it stores, what it spends.
@Suite struct ReconcilerTests {
    /// Unix milliseconds; a pause moves it on, as the time waited would.
    final class Clock: @unchecked Sendable {
        var milliseconds: Int64 = 1_800_000_000_000
        var seconds: Int64 { milliseconds / 1000 }
        var pauses: [Int64] = []
        var stopAfterPauses: Int?

        func pause(_ wait: Int64) -> Bool {
            if let stop = stopAfterPauses, pauses.count >= stop { return false }
            pauses.append(wait)
            milliseconds += wait
            return true
        }
    }

    static let settings = ReconcileSettings(firstCheckAfterSeconds: 120, everySeconds: 300, rate: nil, intervalSeconds: 30)
    static let passed = GetResultResponse(errorCode: 0, errorMsg: "Success",
                                          verificationDetailList: [VerificationDetail(errorCode: 0, errorMsg: "ok", similarity: 91.2, seq: "s1")],
                                          requestId: "req-pass")
    let clock = Clock()
    let store = MemoryTokenStore()
    let api = FakeFaceID()
    let outbox = ResultRecorderTests.Outbox()

    static func token(_ index: Int) -> String { String(format: "CCCCCCCC-0000-0000-0000-%012d", index) }

    /// A record started `age` seconds before the clock's now.
    @discardableResult
    func started(_ index: Int, age: Int64, checkedAgo: Int64? = nil, session: String = Fixtures.session(0xcd)) throws -> TokenRecord {
        var record = TokenRecord(token: Self.token(index), created: clock.seconds - age, sessionHash: SessionID.hash(session), extra: "order-\(index)")
        record.checkedAt = checkedAgo.map { clock.seconds - $0 }
        try store.save(record)
        return record
    }

    func reconciler(limits: Limits = Limits.defaults, settings: ReconcileSettings = settings, events: Bool = true) -> Reconciler {
        let clock = clock
        return Reconciler(store: store, api: api, events: events ? outbox : nil, limiter: MemoryRateLimiter(), limits: limits,
                          settings: settings, clock: { clock.milliseconds }, pause: clock.pause)
    }

    func round(_ reconciler: Reconciler? = nil, seconds: Int64 = 30) -> ReconcileRound {
        (reconciler ?? self.reconciler()).round(deadline: clock.milliseconds + seconds * 1000)
    }

    @Test(arguments: [
        // (age, checked ago, step)
        (Int64(60), Int64?.none, Reconciler.Step.wait),          // the user may still be on the page
        (120, nil, .ask),
        (1_000, 100, .wait),                                      // asked within reconcile_every
        (1_000, 300, .ask),
        (86_400, 5_000, .wait),                                   // a day old: every tenth of its age, 8,640 s
        (86_400, 8_640, .ask),
        (TokenRecord.retentionSeconds - 3_601, 10, .wait),
        (TokenRecord.retentionSeconds - 3_600, 10, .expire),     // ended before Redis drops it
        (TokenRecord.retentionSeconds + 5, nil, .expire),
    ])
    func whenARecordIsDue(age: Int64, checkedAgo: Int64?, step: Reconciler.Step) throws {
        let record = try started(1, age: age, checkedAgo: checkedAgo)
        #expect(Reconciler.step(record, now: clock.seconds, settings: Self.settings) == step)
    }

    /// The merchant's backend reads the same record whichever asked Tencent: the browser's
    /// callback or the reconciler; and the webhook event is enqueued.
    @Test func aPassedResultIsStoredAsTheCallbackStoresIt() throws {
        let session = Fixtures.session(0xab)
        let record = try started(1, age: 600, session: session)
        api.resultAnswer = .success(Self.passed)
        let stats = round()
        #expect(stats.checked == 1 && stats.finalized == 1 && stats.pending == 0 && !stats.failed)
        let reconciled = try #require(try store.load(token: record.token))

        let other = MemoryTokenStore()
        try other.save(record)
        let clock = clock
        let callback = CallbackHandler(config: try Fixtures.config(), api: api, store: other, clock: { clock.seconds })
        let answer = callback.handle(Fixtures.get("/ekyc/callback", query: "token=\(record.token)", cookie: "ekyc_session=\(session)"))
        #expect(answer.status == 200)
        #expect(try other.load(token: record.token) == reconciled)
        #expect(reconciled.status == .passed && reconciled.result?.requestId == "req-pass")
        #expect(outbox.events[VerificationEvent.id(token: record.token)]?.type == .passed)
    }

    /// Only verifications that are due are asked about: never a young one, a final one or a
    /// claim (a single-use link's, a handoff's, a backend request's).
    @Test func onlyDueVerificationsAreAsked() throws {
        try started(1, age: 600)
        try started(2, age: 30)
        try store.save(Claim(name: "CLAIMED" + String(repeating: "AB12", count: 10), created: clock.seconds - 600,
                             keepUntil: clock.seconds + 600, sessionHash: nil, startedToken: Self.token(1)))
        var marker = TokenRecord(token: Self.token(3), created: clock.seconds - 600, sessionHash: "", extra: nil)
        marker.status = .failed
        try store.save(marker)
        let stats = round()
        #expect(api.asked == [Self.token(1)])
        #expect(stats.listed == 2 && stats.due == 1 && stats.pending == 1)
    }

    @Test func aPendingAnswerMovesCheckedAtAndWaitsForReconcileEvery() throws {
        try started(1, age: 600)
        #expect(round().pending == 1)
        #expect(try store.load(token: Self.token(1))?.checkedAt == clock.seconds)
        clock.milliseconds += 299_000
        #expect(round().checked == 0)
        clock.milliseconds += 1_000
        #expect(round().checked == 1)
        #expect(api.resultCalls == 2)
    }

    @Test func aRecordPastItsRetentionIsExpiredWithoutACall() throws {
        try started(1, age: TokenRecord.retentionSeconds - 60)
        let stats = round()
        #expect(stats.expired == 1 && stats.checked == 0 && api.resultCalls == 0)
        #expect(try store.load(token: Self.token(1))?.status == .expired)
        #expect(outbox.events[VerificationEvent.id(token: Self.token(1))]?.type == .expired)
    }

    @Test func bizTokenExpiredEndsTheVerificationAsExpired() throws {
        try started(1, age: 600)
        api.resultAnswer = .failure(.api(code: "InvalidParameterValue.BizTokenExpired", message: "expired", requestId: "r"))
        #expect(round().expired == 1)
        #expect(try store.load(token: Self.token(1))?.status == .expired)
    }

    /// Over the API budget the round stops: the oldest were asked, the rest wait for the next
    /// round, and the budget left is the live users'.
    @Test func theBudgetStopsTheRoundOldestFirst() throws {
        for index in 1...5 { try started(index, age: 1_000 + Int64(index)) }
        var limits = Limits.defaults
        limits.apiBudget = Rate(count: 2, periodMilliseconds: 60_000)
        let stats = round(reconciler(limits: limits))
        #expect(api.asked == [Self.token(5), Self.token(4)])
        #expect(stats.checked == 2 && stats.deferred == 3 && stats.due == 5)
        #expect(stats.stopped?.contains("api_budget 2/m") == true && !stats.failed)
        #expect(stats.logLine.text.contains("event=reconcile") && stats.logLine.text.contains("deferred=3"))
    }

    /// At its own share the reconciler waits for its turn instead of stopping.
    @Test func itsOwnShareIsAPaceNotAStop() throws {
        for index in 1...4 { try started(index, age: 600) }
        var settings = Self.settings
        settings.rate = .perSecond(2)
        let stats = round(reconciler(settings: settings))
        #expect(stats.checked == 4 && stats.deferred == 0 && stats.stopped == nil)
        #expect(clock.pauses.filter { $0 > 0 } == [500, 500])
    }

    @Test func theRoundEndsAtItsDeadline() throws {
        for index in 1...3 { try started(index, age: 600) }
        var settings = Self.settings
        settings.rate = Rate(count: 1, periodMilliseconds: 10_000)
        let stats = round(reconciler(settings: settings), seconds: 5)
        #expect(stats.checked == 1 && stats.deferred == 2)
        #expect(stats.stopped?.contains("time is up") == true)
    }

    @Test func aStopSignalEndsTheRoundBeforeTheNextCall() throws {
        for index in 1...3 { try started(index, age: 600) }
        clock.stopAfterPauses = 1
        let stats = round()
        #expect(stats.checked == 1 && stats.deferred == 2 && stats.stopped == "asked to stop")
    }

    /// The API unreachable: one failed call, not one per due record; the exit status says so.
    @Test func anUnreachableAPIStopsTheRound() throws {
        for index in 1...3 { try started(index, age: 600) }
        api.resultAnswer = .failure(.httpStatus(500, bodyStart: "oops"))
        let stats = round()
        #expect(stats.checked == 1 && stats.deferred == 2 && stats.failed)
        #expect(try store.load(token: Self.token(1))?.checkedAt == nil)
    }

    /// A token Tencent refuses is not asked again every round, and the others go on.
    @Test func aTokenTencentRefusesWaitsForItsNextTurn() throws {
        try started(1, age: 700)
        try started(2, age: 600)
        api.resultAnswers[Self.token(1)] = .failure(.api(code: "InvalidParameterValue.BizTokenIllegal", message: "no", requestId: nil))
        api.resultAnswer = .success(Self.passed)
        let stats = round()
        #expect(stats.errors == 1 && stats.finalized == 1 && !stats.failed)
        #expect(try store.load(token: Self.token(1))?.checkedAt == clock.seconds)
        #expect(round().checked == 0)
    }

    /// `ResultRecorder` stores a result before it enqueues the event; an event lost in between
    /// is enqueued by the next round, once.
    @Test func aFinalRecordWithoutItsEventGetsIt() throws {
        var record = try started(1, age: 600)
        record.status = .passed
        record.result = StoredResult(errorCode: 0, errorMsg: "Success", reason: nil, attempts: [], requestId: "r", completed: clock.seconds - 60)
        try store.save(record)
        #expect(round().requeued == 1)
        #expect(outbox.events[VerificationEvent.id(token: record.token)]?.created == clock.seconds - 60)
        #expect(round().requeued == 0)
        #expect(round(reconciler(events: false)).requeued == 0 && api.resultCalls == 0)
    }

    /// Redis's SCAN may list a record twice; it is asked about once.
    @Test func aRecordListedTwiceIsAskedOnce() throws {
        final class Twice: TokenStore, @unchecked Sendable {
            let inner: MemoryTokenStore
            init(_ inner: MemoryTokenStore) { self.inner = inner }
            func save(_ record: TokenRecord) throws(StoreError) { try inner.save(record) }
            func create(_ record: TokenRecord) throws(StoreError) -> Bool { try inner.create(record) }
            func load(token: String) throws(StoreError) -> TokenRecord? { try inner.load(token: token) }
            func sweep(now: Int64) throws(StoreError) -> Int { 0 }
            func remove(token: String) throws(StoreError) {}
            func forEachRecord(_ visit: (TokenRecord) -> Void) throws(StoreError) {
                try inner.forEachRecord(visit)
                try inner.forEachRecord(visit)
            }
        }
        try started(1, age: 600)
        let clock = clock
        let reconciler = Reconciler(store: Twice(store), api: api, limiter: MemoryRateLimiter(), limits: .defaults,
                                    settings: Self.settings, clock: { clock.milliseconds }, pause: clock.pause)
        #expect(reconciler.round(deadline: clock.milliseconds + 1_000).checked == 1)
    }

    @Test func settingsFromTheConfigFile() throws {
        #expect(try Fixtures.config().reconcile == .defaults)
        let set = try Fixtures.config(["reconcile_after": "0", "reconcile_every": "3s", "reconcile_rate": "off", "reconcile_interval": "1m"])
        #expect(set.reconcile == ReconcileSettings(firstCheckAfterSeconds: 0, everySeconds: 3, rate: nil, intervalSeconds: 60))
        #expect(throws: ConfigError.self) { try Fixtures.config(["reconcile_every": "0s"]) }
        let error = #expect(throws: ConfigError.self) { try Fixtures.config(["reconcile_rate": "fast"]) }
        #expect(error?.description.contains("'reconcile_rate = fast' must be a rate") == true)
    }
}
