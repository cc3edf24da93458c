/// Time arithmetic that cannot trap. A signed link's `exp` is the merchant's number, and
/// `exp = PHP_INT_MAX` ("never expires") is a thing merchants write: every time that is added
/// to another, or multiplied, goes through here and sticks at the ends instead of overflowing.
extension Int64 {
    public func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    public func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    public func saturatingMultiply(_ other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }
}

/// A span of time as config writes it: `90` or `90s`, `10m`, `24h`, `3d`.
public enum ConfigDuration {
    /// Seconds, or nil when the text is not such a span (or is absurdly long).
    public static func seconds(_ text: String) -> Int64? {
        let unit: Int64
        var digits = Substring(text)
        switch text.last {
        case "s"?: unit = 1
        case "m"?: unit = 60
        case "h"?: unit = 3_600
        case "d"?: unit = 86_400
        default:
            if text.last?.isLetter == true { return nil }
            unit = 1
        }
        if text.last?.isLetter == true { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.utf8.count <= 9, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int64(digits) else { return nil }
        return value * unit
    }
}
