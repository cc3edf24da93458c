public import FastCGI

/// `/ekyc/status`, in PHP-FPM's spirit: off unless configured, answered only to the listed
/// addresses, as plain text (default), JSON (`?json`) or Prometheus text (`?prometheus`).
public struct StatusPage: Sendable {
    public static let path = "/ekyc/status"
    public let allowed: [AddressPattern]
    public let metrics: Metrics
    public let storeRecords: @Sendable () -> Int?
    public let storeQuota: @Sendable () -> StoreQuotaStatus?

    public init(allowed: [AddressPattern], metrics: Metrics, storeRecords: @escaping @Sendable () -> Int?,
                storeQuota: @escaping @Sendable () -> StoreQuotaStatus? = { nil }) {
        self.allowed = allowed
        self.metrics = metrics
        self.storeRecords = storeRecords
        self.storeQuota = storeQuota
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let remote = request.params["REMOTE_ADDR"] ?? ""
        guard allowed.contains(where: { $0.matches(remote) }) else {
            return Answers.error(403, code: "status_forbidden", message: "the status page is not open to \(remote.isEmpty ? "this address" : remote); see status_allow")
        }
        let snapshot = metrics.snapshot(storeRecords: storeRecords())
        let quota = storeQuota()
        let query = FormEncoding.parse(request.queryString)?.map(\.name) ?? []
        let accept = request.header("Accept") ?? ""
        if query.contains("prometheus") || accept.contains("openmetrics") || accept.contains("text/plain; version=0.0.4") {
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4"), ("Cache-Control", "no-store")],
                                text: Self.prometheus(snapshot) + (quota?.prometheus(role: snapshot.role) ?? ""))
        }
        if query.contains("json") || accept.contains("application/json") {
            var json = Self.json(snapshot)
            if case .object(let pairs) = json { json = .object(pairs + [("storeQuota", quota?.json ?? .null)]) }
            return Answers.json(200, json)
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                            text: Self.text(snapshot) + (quota?.text ?? ""))
    }

    static func text(_ s: Metrics.Snapshot) -> String {
        var out = """
        role:               \(s.role)
        start time:         \(UTCDate.iso8601(s.startedAt))
        uptime seconds:     \(s.now - s.startedAt)
        workers:            \(s.workers)
        busy workers:       \(s.busy)
        idle workers:       \(s.workers - s.busy)
        requests:           \(s.requests)

        """
        for (status, count) in s.byStatus.sorted(by: { $0.key < $1.key }) { out += "status \(status):         \(count)\n" }
        for (code, count) in s.byError.sorted(by: { $0.key < $1.key }) { out += "error \(code): \(count)\n" }
        for (action, up) in s.upstream.sorted(by: { $0.key < $1.key }) {
            out += "upstream \(action): calls \(up.calls), p50 \(ms(up.p50)) ms, p90 \(ms(up.p90)) ms, p99 \(ms(up.p99)) ms\n"
            for (failure, count) in up.failures.sorted(by: { $0.key < $1.key }) { out += "  failed \(failure): \(count)\n" }
        }
        if let records = s.storeRecords { out += "store records:      \(records)\n" }
        return out
    }

    static func json(_ s: Metrics.Snapshot) -> JSONValue {
        .object([
            ("role", .string(s.role)),
            ("startTime", .string(UTCDate.iso8601(s.startedAt))),
            ("uptimeSeconds", .integer(s.now - s.startedAt)),
            ("workers", .integer(Int64(s.workers))),
            ("busyWorkers", .integer(Int64(s.busy))),
            ("idleWorkers", .integer(Int64(s.workers - s.busy))),
            ("requests", .integer(Int64(s.requests))),
            ("byStatus", .object(s.byStatus.sorted { $0.key < $1.key }.map { (String($0.key), .integer(Int64($0.value))) })),
            ("byError", .object(s.byError.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })),
            ("upstream", .object(s.upstream.sorted { $0.key < $1.key }.map { action, up in
                (action, .object([
                    ("calls", .integer(Int64(up.calls))),
                    ("failures", .object(up.failures.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })),
                    ("p50Milliseconds", .optional(up.p50)), ("p90Milliseconds", .optional(up.p90)), ("p99Milliseconds", .optional(up.p99)),
                ]))
            })),
            ("storeRecords", .optional(s.storeRecords)),
        ])
    }

    static func prometheus(_ s: Metrics.Snapshot) -> String {
        let role = "role=\"\(s.role)\""
        var out = """
        # HELP ekyc_uptime_seconds Seconds since the handler process started.
        # TYPE ekyc_uptime_seconds gauge
        ekyc_uptime_seconds{\(role)} \(s.now - s.startedAt)
        # HELP ekyc_workers Worker threads, by state.
        # TYPE ekyc_workers gauge
        ekyc_workers{\(role),state="busy"} \(s.busy)
        ekyc_workers{\(role),state="idle"} \(s.workers - s.busy)
        # HELP ekyc_requests_total Requests answered, by HTTP status.
        # TYPE ekyc_requests_total counter

        """
        for (status, count) in s.byStatus.sorted(by: { $0.key < $1.key }) { out += "ekyc_requests_total{\(role),status=\"\(status)\"} \(count)\n" }
        out += "# HELP ekyc_errors_total Error answers, by error code.\n# TYPE ekyc_errors_total counter\n"
        for (code, count) in s.byError.sorted(by: { $0.key < $1.key }) { out += "ekyc_errors_total{\(role),code=\"\(code)\"} \(count)\n" }
        out += "# HELP ekyc_upstream_calls_total Calls to the eKYC API, by action.\n# TYPE ekyc_upstream_calls_total counter\n"
        for (action, up) in s.upstream.sorted(by: { $0.key < $1.key }) { out += "ekyc_upstream_calls_total{\(role),action=\"\(action)\"} \(up.calls)\n" }
        out += "# HELP ekyc_upstream_failures_total Failed calls to the eKYC API, by action and Tencent code or transport failure.\n# TYPE ekyc_upstream_failures_total counter\n"
        for (action, up) in s.upstream.sorted(by: { $0.key < $1.key }) {
            for (failure, count) in up.failures.sorted(by: { $0.key < $1.key }) {
                out += "ekyc_upstream_failures_total{\(role),action=\"\(action)\",failure=\"\(failure)\"} \(count)\n"
            }
        }
        out += "# HELP ekyc_upstream_latency_milliseconds Latency of recent calls to the eKYC API.\n# TYPE ekyc_upstream_latency_milliseconds gauge\n"
        for (action, up) in s.upstream.sorted(by: { $0.key < $1.key }) {
            for (q, value) in [("0.5", up.p50), ("0.9", up.p90), ("0.99", up.p99)] {
                if let value { out += "ekyc_upstream_latency_milliseconds{\(role),action=\"\(action)\",quantile=\"\(q)\"} \(ms(value))\n" }
            }
        }
        if let records = s.storeRecords {
            out += "# HELP ekyc_store_records Token records in the store.\n# TYPE ekyc_store_records gauge\nekyc_store_records{\(role)} \(records)\n"
        }
        return out
    }

    private static func ms(_ value: Double?) -> String {
        guard let value else { return "-" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
