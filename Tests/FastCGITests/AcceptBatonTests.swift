import Foundation
@testable import FastCGI
import Synchronization
import Testing

@Suite struct AcceptBatonTests {
    /// Waits until `condition` holds, for at most 10 s (a wait for an event, not a timing claim).
    private func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<10_000 {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }

    @Test func oneWorkerLeadsAtATimeAndEveryTurnIsPassedOn() {
        let workers = 8, turns = 2_000
        let baton = AcceptBaton(workers: workers)
        let leading = Atomic<Int>(0)
        let overlaps = Atomic<Int>(0)
        let taken = Atomic<Int>(0)
        let threads = (0..<workers).map { index in
            Thread {
                for _ in 0..<turns {
                    baton.lead(index)
                    if leading.add(1, ordering: .sequentiallyConsistent).newValue != 1 { overlaps.add(1, ordering: .relaxed) }
                    taken.add(1, ordering: .relaxed)
                    leading.subtract(1, ordering: .sequentiallyConsistent)
                    baton.handOff()
                }
            }
        }
        threads.forEach { $0.start() }
        #expect(eventually { taken.load(ordering: .relaxed) == workers * turns })
        #expect(overlaps.load(ordering: .relaxed) == 0)
        #expect(baton.waitingCount == 0)
    }

    @Test func theWorkerThatWentIdleLastLeadsNext() {
        let baton = AcceptBaton(workers: 3)
        baton.lead(0)   // no one leads yet: returns at once
        let order = Mutex<[Int]>([])
        func waiter(_ index: Int) -> Thread {
            Thread {
                baton.lead(index)
                order.withLock { $0.append(index) }
            }
        }
        waiter(1).start()
        #expect(eventually { baton.waitingCount == 1 })
        waiter(2).start()
        #expect(eventually { baton.waitingCount == 2 })

        baton.handOff()   // worker 0 accepted: worker 2, idle last, leads
        #expect(eventually { order.withLock { $0 } == [2] })
        #expect(baton.waitingCount == 1)
        baton.handOff()   // worker 2 accepted: worker 1 leads
        #expect(eventually { order.withLock { $0 } == [2, 1] })
        baton.handOff()   // nobody waits: the next lead returns at once
        baton.lead(0)
        baton.handOff()
        #expect(baton.waitingCount == 0)
    }

    /// What the server starts workers by: a hand-off that finds nobody waiting and nobody on the
    /// way back says so.
    @Test func aHandOffSaysWhetherAnyWorkerWillLeadNext() {
        let baton = AcceptBaton(workers: 2)
        baton.lead(0)
        #expect(baton.handOff() == false)
        baton.onItsWay()
        baton.lead(1)
        #expect(baton.handOff() == true)
        baton.lead(0, returning: true)
        #expect(baton.handOff() == false)
    }

}
