#if canImport(Glibc)
import Glibc
import Locking
#endif

/// Plain CGI: one request from the environment and standard input, the answer on standard
/// output (fcgiwrap, Apache `ScriptAlias`, shared hosting).
public enum CGIRunner {
    public static func runOnce(maxBodyBytes: Int, handler: Handler) {
        let started = MonotonicClock.nowNanoseconds()
        let params = RequestReader.params(environ)
        let declared = RequestReader.declaredLength(params)
        let request: HTTPRequest
        if declared > maxBodyBytes {
            request = HTTPRequest(params: params, bodyOmitted: true)
        } else {
            request = HTTPRequest(params: params, body: RequestReader.body(count: declared, read: readStandardInput))
        }
        let response = handler(request)
        var out = response.cgiHeadBytes()
        out += response.body
        writeAll(1, out)
        RequestLog.line(request: request, response: response, milliseconds: MonotonicClock.millisecondsSince(started)).write()
    }

    private static func readStandardInput(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let got = read(0, buffer.baseAddress, buffer.count)
            if got < 0 && errno == EINTR { continue }
            return got
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            written += n
        }
    }
}
