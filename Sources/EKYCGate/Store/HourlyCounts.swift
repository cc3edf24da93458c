/// Records and bytes of a store by the hour they were created in: what the file store keeps in
/// its counts file so that the quota is checked without walking the directory. An hour's count
/// ages out once every record of that hour is past its retention.
struct HourlyCounts: Equatable {
    static let hourSeconds: Int64 = 3600

    /// Hour start (Unix seconds) → what was created in that hour.
    private(set) var hours: [Int64: StoreUsage] = [:]

    init() {}

    /// The counts file's text; a line that does not parse (a write cut short by a crash) is
    /// skipped, and the next sweep counts those records again.
    init(parsing text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ").compactMap { Int64($0) }
            guard fields.count == 3, fields[1] >= 0, fields[2] >= 0 else { continue }
            hours[fields[0], default: StoreUsage(records: 0, bytes: 0)].records += Int(fields[1])
            hours[fields[0], default: StoreUsage(records: 0, bytes: 0)].bytes += Int(fields[2])
        }
    }

    var text: String {
        var out = """
        # Records and bytes of this token store by hour of creation (hour start, Unix seconds), for
        # store_max_records and store_max_bytes. Kept by the handlers, rebuilt by every sweep.

        """
        for (hour, usage) in hours.sorted(by: { $0.key < $1.key }) { out += "\(hour) \(usage.records) \(usage.bytes)\n" }
        return out
    }

    static func hour(of time: Int64) -> Int64 {
        time - ((time % hourSeconds) + hourSeconds) % hourSeconds
    }

    mutating func add(created: Int64, bytes: Int, records: Int = 1) {
        let hour = Self.hour(of: created)
        hours[hour, default: StoreUsage(records: 0, bytes: 0)].records += records
        hours[hour, default: StoreUsage(records: 0, bytes: 0)].bytes += bytes
    }

    /// Without the hours whose records are all past their 3-day retention at `now`.
    func live(at now: Int64) -> HourlyCounts {
        var kept = self
        kept.hours = hours.filter { hour, _ in hour + Self.hourSeconds + TokenRecord.retentionSeconds > now }
        return kept
    }

    var total: StoreUsage {
        hours.values.reduce(StoreUsage(records: 0, bytes: 0)) { StoreUsage(records: $0.records + $1.records, bytes: $0.bytes + $1.bytes) }
    }

    /// A sweep's walk of the store, merged with the counts the handlers kept meanwhile: hours
    /// before the one the sweep started in are as walked (that corrects any drift); later hours
    /// take the larger count, since a record created during the walk may not have been seen.
    static func rebuilt(walked: HourlyCounts, kept: HourlyCounts, sweepStarted: Int64) -> HourlyCounts {
        var merged = walked
        for (hour, usage) in kept.hours where hour >= Self.hour(of: sweepStarted) {
            let seen = walked.hours[hour] ?? StoreUsage(records: 0, bytes: 0)
            merged.hours[hour] = StoreUsage(records: max(seen.records, usage.records), bytes: max(seen.bytes, usage.bytes))
        }
        return merged
    }
}
