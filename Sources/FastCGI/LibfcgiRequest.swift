#if canImport(Glibc)
import Glibc
#endif
import CFastCGI

/// One worker's `FCGX_Request`: the only code that calls libfcgi on a request or touches its
/// fields. It reads requests from connections the server accepted itself (`ConnectionAccept`:
/// the accept turn, the peer filter, the receive timeout); libfcgi never accepts.
///
/// The contract with libfcgi 2.4 (`fcgiapp.h`, `fcgiapp.c`), field by field:
/// - `FCGX_InitRequest(request, -1, 0)`: the listening socket libfcgi would accept from is -1.
///   `FCGX_Accept_r` accepts only when it holds no connection (`ipcFd < 0`), which after a
///   connection that sent no valid request it does: it closes that connection and calls
///   `accept` on its listening socket. On -1 that accept fails (EBADF), so `FCGX_Accept_r`
///   returns an error instead of taking a connection past the server's own accept.
/// - `ipcFd`: the connection to read the next request from, set before `FCGX_Accept_r`
///   ("< 0 means no connection"). libfcgi sets it to -1 whenever it closes the connection.
/// - `keepConnection`: set to 1 before `FCGX_Accept_r`, whose first step is an
///   `FCGX_Finish_r` that would otherwise close the connection just handed over. On return
///   libfcgi has set it from the request's `FCGI_KEEP_CONN` flag; `FCGX_Finish_r` closes the
///   connection unless it is still set.
/// - `envp`, `in`, `out`: valid from a successful `FCGX_Accept_r` to the next `FCGX_Finish_r`,
///   so params and body are copied out at once.
///
/// The `FCGX_Request` lives at a fixed address for its whole life: libfcgi's streams point back
/// to it.
final class LibfcgiRequest {
    private let raw: UnsafeMutablePointer<FCGX_Request>

    /// Why a connection gave no request; for the log line.
    enum Refusal: Equatable {
        /// libfcgi found no valid FastCGI request on it (garbage, a bare connect, a timeout)
        /// and closed it.
        case noRequest(code: Int32)
    }

    init() throws(ServerError) {
        raw = .allocate(capacity: 1)
        guard FCGX_InitRequest(raw, -1, 0) == 0 else {
            raw.deallocate()
            throw .libraryInit
        }
    }

    deinit {
        closeConnection()
        FCGX_Free(raw, 0)
        raw.deallocate()
    }

    /// The connection held after an answer, when the web server asked to keep it.
    var heldConnection: Int32? { raw.pointee.ipcFd >= 0 ? raw.pointee.ipcFd : nil }

    /// Reads the next request's params from `connection` (a new one, or the held one). On a
    /// refusal the connection is closed; it is never left for libfcgi to replace.
    func begin(on connection: Int32) -> Refusal? {
        raw.pointee.ipcFd = connection
        raw.pointee.keepConnection = 1
        let code = FCGX_Accept_r(raw)
        if code >= 0 { return nil }
        // Closed by libfcgi after a bad request; still open only if it failed before reading.
        closeConnection()
        return .noRequest(code: code)
    }

    /// The request's params, copied out of libfcgi's memory.
    func params() -> [String: String] { RequestReader.params(raw.pointee.envp) }

    /// Up to `count` body bytes (fewer if the stream ends early).
    func body(count: Int) -> [UInt8] {
        let stream = raw.pointee.in
        return RequestReader.body(count: count) { buffer in
            Int(FCGX_GetStr(buffer.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(buffer.count), stream))
        }
    }

    /// Reads the rest of the body and drops it, so the connection is at its end for the next
    /// request the web server sends on it.
    func discardBody() {
        var scratch = [CChar](repeating: 0, count: 64 * 1024)
        let size = Int32(scratch.count)
        let stream = raw.pointee.in
        while scratch.withUnsafeMutableBufferPointer({ FCGX_GetStr($0.baseAddress, size, stream) }) > 0 {}
    }

    /// Writes answer bytes to the request's stdout stream.
    func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = FCGX_PutStr(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), raw.pointee.out)
    }

    /// Whether the web server asked to keep the connection after this request (`FCGI_KEEP_CONN`).
    var webServerKeepsConnection: Bool { raw.pointee.keepConnection != 0 }

    /// Ends the request: flushes the answer and, unless `keep` (and the answer was written
    /// whole), closes the connection with libfcgi's lingering close. True when the connection
    /// is held for the next request.
    func finish(keep: Bool) -> Bool {
        if !keep { raw.pointee.keepConnection = 0 }
        FCGX_Finish_r(raw)
        return raw.pointee.ipcFd >= 0
    }

    /// Closes the held connection at once, without libfcgi's lingering close (which waits up to
    /// 2 s for the peer to hang up first).
    func closeConnection() {
        if raw.pointee.ipcFd >= 0 {
            close(raw.pointee.ipcFd)
            raw.pointee.ipcFd = -1
        }
    }
}
