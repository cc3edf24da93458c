#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import FastCGI

/// The unix socket a handler listens on, as a restart meets it. Serialized: the umask is the
/// whole process's.
@Suite(.serialized) struct ListenSocketTests {
    func path() -> String { NSTemporaryDirectory() + "ekyc-listen-" + UUID().uuidString.prefix(8) + ".sock" }

    func mode(_ path: String) -> UInt32 {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt32(info.st_mode) & 0o777 : 0
    }

    /// The socket has its mode from the moment it exists, not after a chmod.
    @Test func theSocketIsCreatedWithItsMode() throws {
        let path = path()
        let fd = try ListenAddress.unix(path: path).open(mode: 0o660)
        defer { close(fd); unlink(path) }
        #expect(mode(path) == 0o660)
        #expect(umask(0o022) == 0o022, "the process's umask is as it was")
    }

    /// A second instance must not take the socket a live one serves; a file left by a dead one
    /// is replaced.
    @Test func aServedSocketIsNotTakenALeftOneIs() throws {
        let path = path()
        let first = try ListenAddress.unix(path: path).open(mode: 0o600)
        #expect(throws: ServerError.socketInUse(path)) { _ = try ListenAddress.unix(path: path).open(mode: 0o600) }
        #expect(ListenAddress.isServed(path))
        close(first)
        #expect(!ListenAddress.isServed(path), "the file stays, nobody accepts on it")
        let second = try ListenAddress.unix(path: path).open(mode: 0o600)
        close(second)
        unlink(path)
    }
}
