/// The store's quota on the status page: what counts against it, the limits, and whether START
/// is refusing new verifications (`store_full`) because of it.
public struct StoreQuotaStatus: Sendable, Equatable {
    public var usage: StoreUsage
    public var quota: StoreQuota

    public init(usage: StoreUsage, quota: StoreQuota) {
        self.usage = usage
        self.quota = quota
    }

    public var isFull: Bool { quota.isFull(usage) }

    var text: String {
        func part(_ used: Int, _ limit: Int?, _ unit: String) -> String {
            limit.map { "\(used) of \($0) \(unit)" } ?? "\(used) \(unit) (no limit)"
        }
        return """
        store quota:        \(part(usage.records, quota.maxRecords, "records")), \(part(usage.bytes, quota.maxBytes, "bytes"))
        store full:         \(isFull ? "yes: new verifications are refused (store_full)" : "no")

        """
    }

    var json: JSONValue {
        .object([
            ("records", .integer(Int64(usage.records))), ("maxRecords", .optional(quota.maxRecords)),
            ("bytes", .integer(Int64(usage.bytes))), ("maxBytes", .optional(quota.maxBytes)),
            ("full", .bool(isFull)),
        ])
    }

    func prometheus(role: String) -> String {
        var out = """
        # HELP ekyc_store_quota_used What counts against the store's quota, by what is counted.
        # TYPE ekyc_store_quota_used gauge
        ekyc_store_quota_used{role="\(role)",of="records"} \(usage.records)
        ekyc_store_quota_used{role="\(role)",of="bytes"} \(usage.bytes)
        # HELP ekyc_store_quota_limit The store's quota (store_max_records, store_max_bytes); absent when off.
        # TYPE ekyc_store_quota_limit gauge

        """
        if let maxRecords = quota.maxRecords { out += "ekyc_store_quota_limit{role=\"\(role)\",of=\"records\"} \(maxRecords)\n" }
        if let maxBytes = quota.maxBytes { out += "ekyc_store_quota_limit{role=\"\(role)\",of=\"bytes\"} \(maxBytes)\n" }
        out += "# HELP ekyc_store_full 1 while the store is at its quota and START answers store_full.\n# TYPE ekyc_store_full gauge\n"
        return out + "ekyc_store_full{role=\"\(role)\"} \(isFull ? 1 : 0)\n"
    }
}
