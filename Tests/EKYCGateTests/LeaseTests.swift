import Foundation
import Testing
@testable import EKYCGate

/// One holder of a store's background rounds at a time: the file lease (`flock`) and the Redis
/// lease (`SET NX PX`, renewed and released only by its holder), and the rounds run under them.
@Suite struct LeaseTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "ekyc-lease-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aFileLeaseHasOneHolderAndNamesIt() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = FileLease(directory: directory, name: "rounds"), second = FileLease(directory: directory, name: "rounds")
        #expect(try first.acquire())
        #expect(try first.acquire(), "the holder renews")
        #expect(try !second.acquire())
        #expect(second.holder()?.hasPrefix("pid \(getpid()) on ") == true)
        first.release()
        #expect(try second.acquire())
        #expect(try !first.acquire())
    }

    /// A holder killed mid-round leaves no lock behind: the kernel drops it with the process.
    @Test func aKilledHoldersFileLeaseIsFreeAtOnce() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lease = FileLease(directory: directory, name: "rounds")
        let holder = Process()
        // One process holds the lock: the shell locks its own descriptor, then becomes `sleep`.
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "exec 9>>\"$0\" && flock --exclusive 9 && exec sleep 30", lease.path]
        try holder.run()
        var held = false
        for _ in 0..<200 where !held {
            held = try !lease.acquire()
            if !held { lease.release(); usleep(10_000) }
        }
        #expect(held, "the other process took the lock")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(try lease.acquire())
    }

    /// Nodes racing for the lease over and over: never two holders at once.
    @Test func twoRedisLeasesNeverBothHold() throws {
        let server = try RedisServer()
        let leases = (0..<6).map { _ in RedisLease(options: server.options, name: "rounds", ttlMilliseconds: 5_000) }
        final class Holders: @unchecked Sendable {
            let lock = NSLock()
            var now = 0, most = 0, rounds = 0
            func change(_ by: Int) {
                lock.lock()
                now += by
                most = max(most, now)
                if by > 0 { rounds += 1 }
                lock.unlock()
            }
        }
        let holders = Holders()
        DispatchQueue.concurrentPerform(iterations: leases.count) { index in
            for _ in 0..<40 {
                guard (try? leases[index].acquire()) == true else { continue }
                holders.change(1)
                usleep(200)
                holders.change(-1)
                leases[index].release()
            }
        }
        #expect(holders.most == 1 && holders.rounds > 0)
    }

    /// A holder that dies stops renewing: its lease ends after the time to live and another
    /// takes it; the old holder can then neither renew nor release the new one's lease.
    @Test func aKilledHoldersRedisLeaseExpires() throws {
        let server = try RedisServer()
        let dead = RedisLease(options: server.options, name: "rounds", ttlMilliseconds: 300)
        let next = RedisLease(options: server.options, name: "rounds", ttlMilliseconds: 300)
        #expect(try dead.acquire())
        #expect(try !next.acquire())
        #expect(next.holder() == dead.name)
        usleep(450_000)
        #expect(try next.acquire())
        #expect(try !dead.acquire())
        dead.release()
        #expect(next.holder() == next.name)
    }

    /// A living holder renews before each task: its lease outlasts many times its time to live.
    @Test func aRenewedRedisLeaseStaysWithItsHolder() throws {
        let server = try RedisServer()
        let holder = RedisLease(options: server.options, name: "rounds", ttlMilliseconds: 300)
        let other = RedisLease(options: server.options, name: "rounds", ttlMilliseconds: 300)
        for _ in 0..<8 {
            #expect(try holder.acquire())
            #expect(try !other.acquire())
            usleep(120_000)
        }
        holder.release()
        #expect(try other.acquire())
    }

    /// The loop's contract: the reconciler first, then the after-round tasks, each with the
    /// lease; a second process meanwhile is told who holds it and runs nothing.
    @Test func aRoundRunsItsTasksInOrderUnderTheLease() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ran: [String] = []
        let other = FileLease(directory: directory, name: "rounds")
        var otherOutcome: LeasedRounds.Outcome?
        let reconcile = RoundTask(name: "reconcile") { _ in
            ran.append("reconcile")
            otherOutcome = LeasedRounds(lease: other, tasks: [RoundTask(name: "x") { _ in ran.append("x"); return ("", false) }],
                                        roundMilliseconds: 1_000).round()
            return ("event=reconcile", false)
        }
        let deliver = RoundTask(name: "deliver") { _ in ran.append("deliver"); return ("event=deliver", true) }
        let rounds = LeasedRounds(lease: FileLease(directory: directory, name: "rounds"), tasks: [reconcile, deliver], roundMilliseconds: 1_000)
        #expect(rounds.round() == .ran(failed: true))
        #expect(ran == ["reconcile", "deliver"])
        guard case .held(let holder)? = otherOutcome else { Issue.record("the second process ran"); return }
        #expect(holder?.contains("pid \(getpid())") == true)
        #expect(LeasedRounds.line(.held(by: holder))?.contains("event=round_skipped reason=\"the lease is held by pid") == true)
    }

    /// The loop mode: a round per interval until the stop signal, then the lease is free.
    @Test func theLoopRunsUntilStoppedAndReleasesTheLease() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rounds = 0, pauses: [Int64] = []
        let loop = LeasedRounds(lease: FileLease(directory: directory, name: "rounds"),
                                tasks: [RoundTask(name: "reconcile") { _ in rounds += 1; return ("", false) }], roundMilliseconds: 1_000)
        loop.run(intervalMilliseconds: 30_000) { wait in pauses.append(wait); return pauses.count < 3 }
        #expect(rounds == 3 && pauses == [30_000, 30_000, 30_000])
        #expect(try FileLease(directory: directory, name: "rounds").acquire())
    }
}
