import Foundation
import Testing
@testable import EKYCGate
import RedisClient

/// One holder at a time, through the real kernel (`flock`) and a real redis-server.
@Suite struct LeaseTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case file, redis
        var testDescription: String { rawValue }
    }

    /// Makes holders of one lease; what they run on is released when the test ends.
    final class Fixture {
        let directory: String
        let redis: RedisServer?
        let backend: Backend

        init(_ backend: Backend) throws {
            self.backend = backend
            directory = NSTemporaryDirectory() + "ekyc-lease-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            redis = backend == .redis ? try RedisServer() : nil
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func holder(ttlMilliseconds: Int64 = 30_000) -> any Lease {
            if let redis { return RedisLease(options: redis.options, name: "deliver", ttlMilliseconds: ttlMilliseconds) }
            return FileLease(directory: directory, name: "deliver")
        }
    }

    @Test(arguments: Backend.allCases) func oneHolderAtATime(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let a = fixture.holder(), b = fixture.holder()
        #expect(try a.acquire())
        #expect(try a.acquire(), "taking it again is keeping it")
        #expect(try !b.acquire())
        #expect(try !b.renew())
        #expect(a.holder()?.hasPrefix(FileLease.processName) == true)
        b.release()
        #expect(try a.renew(), "another's release does not free it")
        a.release()
        #expect(try b.acquire())
        #expect(try !a.acquire())
    }

    /// Another lease of another name is another lease.
    @Test(arguments: Backend.allCases) func namesAreApart(_ backend: Backend) throws {
        let fixture = try Fixture(backend)
        let deliver = fixture.holder()
        let reconcile: any Lease = fixture.redis.map { RedisLease(options: $0.options, name: "reconcile", ttlMilliseconds: 30_000) }
            ?? FileLease(directory: fixture.directory, name: "reconcile")
        #expect(try deliver.acquire() && reconcile.acquire())
    }

    /// A Redis holder that keeps renewing keeps the lease past its TTL; one that stops (it
    /// died, or paused too long) loses it to the next, and learns so at its next renewal.
    @Test func aRedisLeaseLivesWhileRenewedAndPassesOnAfterItsTTL() throws {
        let fixture = try Fixture(.redis)
        // Renewed well inside its TTL, so that a machine busy with other work does not let it
        // lapse between two renewals (the TTL is Redis's clock, the sleeps are ours).
        let a = fixture.holder(ttlMilliseconds: 2_000), b = fixture.holder(ttlMilliseconds: 2_000)
        #expect(try a.acquire())
        for _ in 0..<4 {
            Thread.sleep(forTimeInterval: 0.25)
            #expect(try a.renew())
            #expect(try !b.acquire())
        }
        Thread.sleep(forTimeInterval: 2.3)
        #expect(try b.acquire())
        #expect(try !a.renew())
        #expect(try !a.acquire())
    }

    /// A holder killed with SIGKILL never releases: the kernel drops its `flock` and the next
    /// holder takes the lease at once. The holder is another process taking the same kind of
    /// lock on the same file (Python's fcntl.flock), as a second `ekyc-start deliver` would.
    @Test func aFileLeaseOfAKilledProcessIsFreeAtOnce() throws {
        let fixture = try Fixture(.file)
        let lease = FileLease(directory: fixture.directory, name: "deliver")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        child.arguments = ["-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB); "
                           + "print('locked', flush=True); time.sleep(60)", lease.path]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }
        // It prints once it holds the lock (the line may come in more than one read).
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("lock"))
        #expect(try !lease.acquire())
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(try lease.acquire())
    }

    /// A holder on another node that died holding the lease (its key set, no one renewing).
    @Test func aRedisLeaseOfADeadHolderPassesOnAfterItsTTL() throws {
        let fixture = try Fixture(.redis)
        let redis = try #require(fixture.redis)
        _ = try redis.connection().command("SET", RedisLease.keyPrefix + "deliver", "node-b:4242:0badc0ffee00", "PX", "300")
        let next = fixture.holder(ttlMilliseconds: 300)
        #expect(try !next.acquire())
        #expect(next.holder() == "node-b:4242:0badc0ffee00")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try next.acquire())
    }
}
