#if canImport(Glibc)
import Glibc
#endif

/// Plain CGI: one request from the environment and standard input, the answer on standard
/// output (fcgiwrap, Apache `ScriptAlias`, shared hosting).
public enum CGIRunner {
    public static func runOnce(maxBodyBytes: Int, handler: Handler) {
        let started = MonotonicClock.nowNanoseconds()
        var params: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let pair = String(cString: entry)
            if let eq = pair.firstIndex(of: "=") { params[String(pair[..<eq])] = String(pair[pair.index(after: eq)...]) }
            cursor += 1
        }
        let declared = params["CONTENT_LENGTH"].flatMap { Int($0) } ?? 0
        let request: HTTPRequest
        if declared > maxBodyBytes {
            request = HTTPRequest(params: params, bodyOmitted: true)
        } else {
            request = HTTPRequest(params: params, body: readStandardInput(count: declared))
        }
        let response = handler(request)
        var out = response.cgiHeadBytes()
        out += response.body
        writeAll(1, out)
        RequestLog.write(RequestLog.line(request: request, response: response,
                                         milliseconds: MonotonicClock.millisecondsSince(started)))
    }

    private static func readStandardInput(count: Int) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: max(count, 0))
        var filled = 0
        while filled < body.count {
            let got = body.withUnsafeMutableBytes { read(0, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            filled += got
        }
        body.removeSubrange(filled...)
        return body
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
