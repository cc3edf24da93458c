import Foundation
import Testing
@testable import EKYCGate
import FastCGI

/// Background rounds under one lease: their tasks in order, one process of the site at a time.
@Suite struct LeasedRoundsTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "ekyc-rounds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The loop's contract: the tasks in order, each with the
    /// lease; a second process meanwhile is told who holds it and runs nothing.
    @Test func aRoundRunsItsTasksInOrderUnderTheLease() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ran: [String] = []
        let other = FileLease(directory: directory, name: "rounds")
        var otherOutcome: LeasedRounds.Outcome?
        let reconcile = RoundTask(name: "reconcile") { _ in
            ran.append("reconcile")
            otherOutcome = LeasedRounds(lease: other, tasks: [RoundTask(name: "x") { _ in ran.append("x"); return (LogLine([]), false) }],
                                        roundMilliseconds: 1_000).round()
            return (LogLine(event: "reconcile"), false)
        }
        let deliver = RoundTask(name: "deliver") { _ in ran.append("deliver"); return (LogLine(event: "deliver"), true) }
        let rounds = LeasedRounds(lease: FileLease(directory: directory, name: "rounds"), tasks: [reconcile, deliver], roundMilliseconds: 1_000)
        #expect(rounds.round() == .ran(failed: true))
        #expect(ran == ["reconcile", "deliver"])
        guard case .held(let holder)? = otherOutcome else { Issue.record("the second process ran"); return }
        #expect(holder?.contains(String(getpid())) == true)
        #expect(LeasedRounds.line(.held(by: holder))?.text.contains("event=round_skipped reason=\"the lease is held by") == true)
    }

    /// The loop mode: a round per interval until the stop signal, then the lease is free.
    @Test func theLoopRunsUntilStoppedAndReleasesTheLease() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rounds = 0, pauses: [Int64] = []
        let loop = LeasedRounds(lease: FileLease(directory: directory, name: "rounds"),
                                tasks: [RoundTask(name: "reconcile") { _ in rounds += 1; return (LogLine([]), false) }], roundMilliseconds: 1_000)
        loop.run(intervalMilliseconds: 30_000) { wait in pauses.append(wait); return pauses.count < 3 }
        #expect(rounds == 3 && pauses == [30_000, 30_000, 30_000])
        #expect(try FileLease(directory: directory, name: "rounds").acquire())
    }
}
