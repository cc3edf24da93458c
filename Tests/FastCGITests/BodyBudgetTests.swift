import Foundation
@testable import FastCGI
import Locking
import Synchronization
import Testing

@Suite struct BodyBudgetTests {
    static let upload = 8 << 20

    private func milliseconds(_ body: () -> Void) -> Double {
        let started = MonotonicClock.nowNanoseconds()
        body()
        return MonotonicClock.millisecondsSince(started)
    }

    @Test func reservesUpToTheLimitAndGivesBack() {
        let budget = BodyBudget(limit: 2 * Self.upload)
        #expect(budget.reserve(Self.upload, waitingUpTo: 0))
        #expect(budget.reserve(Self.upload, waitingUpTo: 0))
        #expect(budget.reservedBytes == 2 * Self.upload)
        budget.release(Self.upload)
        #expect(budget.reservedBytes == Self.upload)
        #expect(budget.reserve(Self.upload, waitingUpTo: 0))
    }

    @Test func smallBodiesNeitherWaitNorCount() {
        let budget = BodyBudget(limit: Self.upload)
        #expect(budget.reserve(Self.upload, waitingUpTo: 0))
        let small = BodyBudget.smallBodyBytes - 1
        var admitted = false
        #expect(milliseconds { admitted = budget.reserve(small, waitingUpTo: 10_000) } < 1_000)
        #expect(admitted)
        budget.release(small)
        #expect(budget.reservedBytes == Self.upload)
    }

    @Test func aShortBudgetRefusesAfterTheWait() {
        let budget = BodyBudget(limit: 2 * Self.upload)
        #expect(budget.reserve(Self.upload, waitingUpTo: 0))
        #expect(budget.reserve(Self.upload, waitingUpTo: 0))
        var admitted = true
        let waited = milliseconds { admitted = budget.reserve(Self.upload, waitingUpTo: 200) }
        #expect(!admitted)
        #expect(waited >= 200 && waited < 5_000)
        #expect(budget.reservedBytes == 2 * Self.upload)
    }

    @Test func aWaitingBodyGetsTheRoomAnotherGivesBack() {
        let budget = BodyBudget(limit: Self.upload)
        #expect(budget.reserve(Self.upload, waitingUpTo: 0))
        let admitted = Atomic<Int>(-1)
        let waiter = Thread { admitted.store(budget.reserve(Self.upload, waitingUpTo: 10_000) ? 1 : 0, ordering: .releasing) }
        waiter.start()
        usleep(100_000)
        #expect(admitted.load(ordering: .acquiring) == -1)   // still waiting
        let woken = milliseconds {
            budget.release(Self.upload)
            while admitted.load(ordering: .acquiring) == -1 { usleep(1_000) }
        }
        #expect(admitted.load(ordering: .acquiring) == 1)
        #expect(woken < 5_000)   // woken by the release, not by its own deadline
        #expect(budget.reservedBytes == Self.upload)
    }

    @Test func aBodyLargerThanTheWholeBudgetGoesAlone() {
        let budget = BodyBudget(limit: Self.upload)
        #expect(budget.reserve(2 * Self.upload, waitingUpTo: 0))
        #expect(!budget.reserve(Self.upload, waitingUpTo: 50))
        budget.release(2 * Self.upload)
        #expect(budget.reservedBytes == 0)
        #expect(budget.reserve(Self.upload, waitingUpTo: 0))
    }

    /// Many workers uploading at once: never more bodies held than the budget allows, and every
    /// one admitted in turn while the others finish within the wait.
    @Test func concurrentUploadsStayWithinTheLimit() {
        let budget = BodyBudget(limit: 4 * Self.upload)
        let holding = Atomic<Int>(0), most = Atomic<Int>(0), done = Atomic<Int>(0), refused = Atomic<Int>(0)
        let workers = 32
        for _ in 0..<workers {
            Thread {
                if budget.reserve(Self.upload, waitingUpTo: 10_000) {
                    let now = holding.add(1, ordering: .sequentiallyConsistent).newValue
                    most.max(now, ordering: .relaxed)
                    usleep(5_000)
                    holding.subtract(1, ordering: .sequentiallyConsistent)
                    budget.release(Self.upload)
                } else {
                    refused.add(1, ordering: .relaxed)
                }
                done.add(1, ordering: .releasing)
            }.start()
        }
        while done.load(ordering: .acquiring) < workers { usleep(1_000) }
        #expect(refused.load(ordering: .relaxed) == 0)
        #expect(most.load(ordering: .relaxed) <= 4)
        #expect(budget.reservedBytes == 0)
    }
}
