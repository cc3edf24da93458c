import Foundation
import Testing
@testable import EKYCGate

/// What every store's outbox promises the recorder, the deliverer and the operator, run against
/// each backend as `TokenStoreContractTests` runs the records: memory, files, a real redis-server.
@Suite struct EventOutboxContractTests {
    typealias Backend = TokenStoreContractTests.Backend
    typealias Fixture = TokenStoreContractTests.Fixture

    /// Runs `body` on a store of the backend, kept alive until it returns.
    static func with(_ backend: Backend, _ body: (any TokenStore & DeliveryQueue) throws -> Void) throws {
        let fixture = try Fixture(backend)
        try withExtendedLifetime(fixture) { try body(fixture.store) }
    }

    /// An event of a final record created now, due at `due` seconds from now.
    static func event(_ n: Int = 1, due: Int64 = 0, created: Int64 = WallClock.seconds()) -> VerificationEvent {
        var record = TokenStoreContractTests.final(.passed, requestId: "req-\(n)",
                                                   base: TokenStoreContractTests.record(String(format: "EEEEEEEE-0000-0000-0000-%012d", n)))
        record.result?.completed = created
        var event = VerificationEvent(final: record, now: created)!
        event.nextAttempt = WallClock.seconds() + due
        return event
    }

    @Test(arguments: Backend.allCases) func anEventIsEnqueuedOncePerId(_ backend: Backend) throws {
        try Self.with(backend) { (outbox) throws in
            let event = Self.event()
            #expect(try outbox.enqueue(event))
            var again = event
            again.lastError = "a second recording of the same result"
            #expect(try !outbox.enqueue(again))
            #expect(try outbox.event(id: event.id) == event)
            #expect(try outbox.event(id: Self.event(2).id) == nil)
        }
    }

    /// The recorder may record a result again (a backend read, the reconciler): once
    /// delivered, its event is never delivered again on its own.
    @Test(arguments: Backend.allCases) func aDeliveredEventIsNeitherDueNorEnqueuedAgain(_ backend: Backend) throws {
        try Self.with(backend) { (outbox) throws in
            var event = Self.event()
            #expect(try outbox.enqueue(event))
            event.attempts = 1
            event.deliveredAt = WallClock.seconds()
            #expect(try outbox.update(event))
            #expect(try !outbox.enqueue(Self.event()))
            #expect(try outbox.due(now: WallClock.seconds() + 60, limit: 10).isEmpty)
            #expect(try outbox.undelivered(limit: 10).isEmpty)
            #expect(try outbox.event(id: event.id) == event)
        }
    }

    @Test(arguments: Backend.allCases) func dueEventsComeEarliestFirstUpToTheLimit(_ backend: Backend) throws {
        try Self.with(backend) { (outbox) throws in
            let later = Self.event(1, due: -10), earlier = Self.event(2, due: -30), future = Self.event(3, due: 100)
            for event in [later, earlier, future] { #expect(try outbox.enqueue(event)) }
            let now = WallClock.seconds()
            #expect(try outbox.due(now: now, limit: 10).map(\.id) == [earlier.id, later.id])
            #expect(try outbox.due(now: now, limit: 1).map(\.id) == [earlier.id])
            #expect(try outbox.undelivered(limit: 10).map(\.id) == [earlier.id, later.id, future.id])
        }
    }

    /// A failed attempt moves the next one later; a given-up event is never due but stays listed.
    @Test(arguments: Backend.allCases) func attemptsRescheduleAndAGivenUpEventStaysListed(_ backend: Backend) throws {
        try Self.with(backend) { (outbox) throws in
            let now = WallClock.seconds()
            var retried = Self.event(1), abandoned = Self.event(2)
            for event in [retried, abandoned] { #expect(try outbox.enqueue(event)) }
            retried.attempts = 1
            retried.nextAttempt = now + 60
            retried.lastError = "HTTP 500"
            abandoned.attempts = 9
            abandoned.givenUpAt = now
            abandoned.lastError = "connection refused"
            #expect(try outbox.update(retried) && outbox.update(abandoned))
            #expect(try outbox.due(now: now, limit: 10).isEmpty)
            #expect(try outbox.due(now: now + 60, limit: 10) == [retried])
            #expect(try outbox.undelivered(limit: 10) == [retried, abandoned])
            #expect(try outbox.event(id: abandoned.id) == abandoned)
        }
    }

    /// `ekyc-start events --redeliver`: a delivered event for a receiver that lost it.
    @Test(arguments: Backend.allCases) func aRedeliveredEventIsDueAgain(_ backend: Backend) throws {
        try Self.with(backend) { (outbox) throws in
            var event = Self.event()
            #expect(try outbox.enqueue(event))
            event.deliveredAt = WallClock.seconds()
            #expect(try outbox.update(event))
            let now = WallClock.seconds()
            #expect(try outbox.update(event.redelivered(now: now)))
            #expect(try outbox.due(now: now, limit: 10) == [event.redelivered(now: now)])
            #expect(try !outbox.enqueue(Self.event()))
        }
    }

    @Test(arguments: Backend.allCases) func anUpdateNeverBringsBackAnEventThatIsGone(_ backend: Backend) throws {
        try Self.with(backend) { (outbox) throws in
            #expect(try !outbox.update(Self.event()))
            #expect(try outbox.event(id: Self.event().id) == nil)
            #expect(try outbox.undelivered(limit: 10).isEmpty)
        }
    }

    /// The browser's callback and the backend's read on two workers (or nodes) record the same
    /// result at once: one event.
    @Test(arguments: Backend.allCases) func exactlyOneRacingEnqueueWins(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let writers = 8
        let event = Self.event()
        let won = Counter(), failures = Counter()
        let stores = (0..<writers).map { _ in fixture.store.sibling() }
        DispatchQueue.concurrentPerform(iterations: writers) { index in
            do { if try stores[index].enqueue(event) { won.add() } } catch { failures.add() }
        }
        #expect(won.value == 1 && failures.value == 0)
        #expect(try fixture.store.undelivered(limit: 10) == [event])
    }

    /// Events go when their retention ends (Redis expires them itself; the sweep then drops
    /// their place in the pending set).
    @Test(arguments: Backend.allCases) func eventsPastTheirRetentionAreSwept(_ backend: Backend) throws {
        try Self.with(backend) { (outbox) throws in
            let old = Self.event(1, created: WallClock.seconds() - VerificationEvent.retentionSeconds + 1)
            let young = Self.event(2)
            #expect(try outbox.enqueue(old) && outbox.enqueue(young))
            Thread.sleep(forTimeInterval: 2.2)
            #expect(try outbox.sweepEvents(now: WallClock.seconds()) == 1)
            #expect(try outbox.event(id: old.id) == nil)
            #expect(try outbox.undelivered(limit: 10) == [young])
        }
    }

    @Test(arguments: Backend.allCases) func idsThatAreNotEventIdsFindNothing(_ backend: Backend) throws {
        try Self.with(backend) { (outbox) throws in
            #expect(try outbox.enqueue(Self.event()))
            for id in ["../outbox/pending/x", "evt_", Self.event().id.uppercased(), Self.event().id + "0", ""] {
                #expect(try outbox.event(id: id) == nil)
            }
        }
    }
}

/// What only the file outbox has: its folders, and a move a crash cut in half.
@Suite struct FileEventOutboxTests {
    @Test func aCrashMidMoveLeavesTheEventDeliveredAndTheSweepTidiesUp() throws {
        let fixture = try TokenStoreContractTests.Fixture(.file)
        let store = try #require(fixture.store as? FileTokenStore)
        let event = EventOutboxContractTests.event()
        #expect(try store.enqueue(event))
        var delivered = event
        delivered.deliveredAt = WallClock.seconds()
        #expect(try store.update(delivered))
        // As if the process died after writing delivered/ and before removing pending/.
        let pending = "\(store.outboxDirectory)/pending/\(event.id).json"
        try JSONEncoder().encode(event).write(to: URL(fileURLWithPath: pending))
        #expect(try store.event(id: event.id) == delivered)
        #expect(try store.due(now: WallClock.seconds(), limit: 10).isEmpty)
        #expect(try !store.enqueue(event))
        #expect(try store.sweepEvents(now: WallClock.seconds()) == 1)
        #expect(!FileManager.default.fileExists(atPath: pending))
    }

    @Test func eventFilesAreNamedByIdAndOwnerOnly() throws {
        let fixture = try TokenStoreContractTests.Fixture(.file)
        let store = try #require(fixture.store as? FileTokenStore)
        let event = EventOutboxContractTests.event()
        #expect(try store.enqueue(event))
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(store.outboxDirectory)/pending")
        #expect(names == ["\(event.id).json"])
        let mode = try FileManager.default.attributesOfItem(atPath: "\(store.outboxDirectory)/pending/\(names[0])")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.outboxDirectory).sorted() == ["delivered", "pending"])
    }
}
