/// Calendar dates of Unix times in UTC by arithmetic: no clock, no formatter, no time zone
/// database, so the signer and the log stamps stay pure.
public enum UTCDate {
    /// `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
    public static func day(_ timestamp: Int64) -> String {
        let days = timestamp >= 0 ? timestamp / 86_400 : (timestamp - 86_399) / 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `2026-03-15T08:30:00Z`.
    public static func iso8601(_ seconds: Int64) -> String {
        let inDay = ((seconds % 86_400) + 86_400) % 86_400
        return "\(day(seconds))T\(pad(inDay / 3600, 2)):\(pad(inDay / 60 % 60, 2)):\(pad(inDay % 60, 2))Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
