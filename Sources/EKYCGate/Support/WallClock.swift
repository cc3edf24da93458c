#if canImport(Glibc)
import Glibc
#endif

/// The real clock, injected wherever time matters so the cores stay pure.
public enum WallClock {
    public static func seconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    public static func milliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// `2026-03-15T08:30:00Z` for a Unix time in seconds, by arithmetic.
    public static func iso8601(seconds: Int64) -> String {
        let date = TC3Signer.utcDate(seconds)
        let inDay = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date)T\(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60))Z"
    }
}
