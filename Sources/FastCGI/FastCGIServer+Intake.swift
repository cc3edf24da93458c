#if canImport(Glibc)
import Glibc
#endif
import CFastCGI

extension FastCGIServer {
    /// How long a worker waits for room in the body budget: a few uploads ahead of it finish in
    /// that time (each holds its bytes for one API round trip), and it stays well inside the
    /// snippet's `fastcgi_read_timeout` and a person's patience.
    static let bodyWaitMilliseconds = 5_000

    /// What a worker took in for one request.
    struct Intake {
        var request: HTTPRequest
        /// False when the body found no room in the budget: the request comes without it and
        /// is answered by `ServerHooks.busy`.
        var admitted: Bool
        /// What the worker holds of the budget until its answer is out.
        var reserved: Int
    }

    /// The params, then the body once the budget has room for its declared length.
    static func take(_ request: inout FCGX_Request, maxBodyBytes: Int, budget: BodyBudget) -> Intake {
        let params = readParams(&request)
        let declared = max(params["CONTENT_LENGTH"].flatMap { Int($0) } ?? 0, 0)
        if declared > maxBodyBytes {
            return Intake(request: HTTPRequest(params: params, bodyOmitted: true), admitted: true, reserved: 0)
        }
        guard budget.reserve(declared, waitingUpTo: bodyWaitMilliseconds) else {
            // Read and dropped a piece at a time, so the connection is at its end for the next
            // request nginx sends on it.
            discardBody(&request)
            return Intake(request: HTTPRequest(params: params), admitted: false, reserved: 0)
        }
        return Intake(request: HTTPRequest(params: params, body: readBody(&request, count: declared)), admitted: true, reserved: declared)
    }

    private static func readParams(_ request: inout FCGX_Request) -> [String: String] {
        var params: [String: String] = [:]
        guard var cursor = request.envp else { return params }
        params.reserveCapacity(48)
        while let entry = cursor.pointee {
            // Split on the byte '=': a String split would walk Characters, several times slower.
            let length = strlen(entry)
            entry.withMemoryRebound(to: UInt8.self, capacity: length + 1) { bytes in
                let pair = UnsafeBufferPointer(start: bytes, count: length)
                if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                    params[String(decoding: UnsafeBufferPointer(rebasing: pair[..<eq]), as: UTF8.self)] =
                        String(decoding: UnsafeBufferPointer(rebasing: pair[(eq + 1)...]), as: UTF8.self)
                }
            }
            cursor += 1
        }
        return params
    }

    private static func readBody(_ request: inout FCGX_Request, count: Int) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < body.count {
            let got = body.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.advanced(by: filled).withMemoryRebound(to: CChar.self, capacity: buffer.count - filled) {
                    FCGX_GetStr($0, Int32(min(buffer.count - filled, 1 << 20)), request.in)
                }
            }
            if got <= 0 { break }
            filled += Int(got)
        }
        body.removeSubrange(filled...)
        return body
    }

    private static func discardBody(_ request: inout FCGX_Request) {
        var scratch = [CChar](repeating: 0, count: 64 * 1024)
        let size = Int32(scratch.count)
        while scratch.withUnsafeMutableBufferPointer({ FCGX_GetStr($0.baseAddress, size, request.in) }) > 0 {}
    }
}
