#if canImport(Glibc)
import Glibc
#endif

/// One logfmt line per request on stderr (`LogLine`).
public enum RequestLog {
    public static func line(request: HTTPRequest, response: HTTPResponse, milliseconds: Double) -> LogLine {
        var fields = [
            LogField("method", request.method),
            LogField("path", request.path),
            LogField("status", response.status),
            LogField("ms", formatMilliseconds(milliseconds)),
            LogField("req", request.id),
        ]
        if let error = response.error { fields.append(LogField("error", error.code)) }
        fields += response.logFields
        return LogLine(fields)
    }

    /// A line that is no logfmt (a process's start-up complaint), written whole in one `write(2)`.
    public static func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    static func formatMilliseconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
