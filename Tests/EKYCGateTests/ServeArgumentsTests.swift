import FastCGI
import Testing
import EKYCGate

/// The serve options every program of the project parses the same way (handlers and sandbox).
@Suite struct ServeArgumentsTests {
    func options(_ words: [String], workers: ClosedRange<Int> = 1...1024) throws -> ServeOptions {
        let arguments = try Arguments(words, options: ServeArguments.options)
        return try ServeArguments.serveOptions(arguments, defaults: ServeOptions(workers: 4, maxBodyBytes: 1 << 20),
                                               workers: workers)
    }

    @Test func defaultsStayWhenNothingIsGiven() throws {
        let parsed = try options([])
        #expect(parsed.workers == 4 && parsed.listen == nil && parsed.socketMode == nil && parsed.socketOwner == nil)
    }

    @Test func eachOptionIsRead() throws {
        let parsed = try options(["--listen", "127.0.0.1:9001", "--socket-mode", "0660", "--socket-owner", "0:0", "--workers", "7"])
        #expect(parsed.listen?.isLoopback == true)
        #expect(parsed.socketMode == 0o660)
        #expect(parsed.socketOwner?.uid == 0 && parsed.socketOwner?.gid == 0)
        #expect(parsed.workers == 7)
    }

    @Test func badValuesNameTheOptionAndTheRange() throws {
        #expect(throws: ConfigError.self) { try options(["--socket-mode", "999"]) }
        do { _ = try options(["--workers", "300"], workers: 1...256); Issue.record("accepted") } catch let error as ConfigError {
            #expect(error.message.contains("--workers") && error.message.contains("1 to 256"))
        }
    }
}
