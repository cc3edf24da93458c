#if canImport(Glibc)
import Glibc
#endif

/// Readings of `CLOCK_MONOTONIC`: latency figures, and the deadlines `Condition.wait` takes.
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
