#if canImport(Glibc)
import Glibc
#endif

/// One logfmt line per request on stderr, written with a single `write(2)` so lines from
/// worker threads never interleave.
public enum RequestLog {
    public static func line(request: HTTPRequest, response: HTTPResponse, milliseconds: Double) -> String {
        var fields: [(String, String)] = [
            ("method", request.method),
            ("path", request.path),
            ("status", String(response.status)),
            ("ms", formatMilliseconds(milliseconds)),
        ]
        // nginx's own id first: a client-sent X-Request-Id must not break the join with the access log.
        if let id = request.params["REQUEST_ID"] ?? request.params["HTTP_X_REQUEST_ID"] { fields.append(("req", id)) }
        fields += response.logFields.map { ($0.key, $0.value) }
        return logfmt(fields)
    }

    /// `key=value key="quoted value"`: a request's line, or the line of a background event.
    public static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\(quote($0.1))" }.joined(separator: " ")
    }

    public static func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    static func formatMilliseconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func quote(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { (0x21...0x7e).contains($0.value) && $0 != "\"" && $0 != "=" && $0 != "\\" }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// Monotonic clock readings for latency figures.
public enum MonotonicClock {
    public static func nowNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    public static func millisecondsSince(_ start: UInt64) -> Double {
        Double(nowNanoseconds() &- start) / 1_000_000
    }
}
