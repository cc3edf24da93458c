import Synchronization
public import FastCGI
import HTTPClient
import Locking

/// Counters of one handler process for the status page: workers in use, answers by status
/// and error code, and the latency of the API calls it made. Cheap to update (one lock, no
/// allocation on the hot path but the first use of a new status or code).
public final class Metrics: Sendable {
    public struct Snapshot: Sendable {
        public var role: String
        public var startedAt: Int64
        public var now: Int64
        public var workers: Int
        public var busy: Int
        public var requests: Int
        public var byStatus: [Int: Int]
        public var byError: [String: Int]
        public var upstream: [String: Upstream]
        public var storeRecords: Int?
    }

    public struct Upstream: Sendable {
        public var calls: Int
        public var failures: [String: Int]
        /// Over the latest calls (up to `LatencyWindow.capacity`), milliseconds.
        public var p50: Double?
        public var p90: Double?
        public var p99: Double?
    }

    struct State {
        var busy = 0
        var requests = 0
        var byStatus: [Int: Int] = [:]
        var byError: [String: Int] = [:]
        var calls: [String: Int] = [:]
        var failures: [String: [String: Int]] = [:]
        var latency: [String: LatencyWindow] = [:]
    }

    public let role: String
    public let workers: Int
    public let startedAt: Int64
    private let state = Mutex(State())

    public init(role: String, workers: Int, startedAt: Int64 = WallClock.seconds()) {
        self.role = role
        self.workers = workers
        self.startedAt = startedAt
    }

    public func requestStarted() {
        state.withLock { $0.busy += 1 }
    }

    public func requestFinished(_ response: HTTPResponse) {
        let error = response.error?.code
        state.withLock {
            $0.busy -= 1
            $0.requests += 1
            $0.byStatus[response.status, default: 0] += 1
            if let error { $0.byError[error, default: 0] += 1 }
        }
    }

    /// One API call: `failure` is nil for an answer, else Tencent's code or the transport kind.
    public func upstreamCall(action: String, milliseconds: Double, failure: String?) {
        state.withLock {
            $0.calls[action, default: 0] += 1
            if let failure { $0.failures[action, default: [:]][failure, default: 0] += 1 }
            $0.latency[action, default: LatencyWindow()].add(milliseconds)
        }
    }

    public func snapshot(now: Int64 = WallClock.seconds(), storeRecords: Int? = nil) -> Snapshot {
        state.withLock { s in
            var upstream: [String: Upstream] = [:]
            for (action, calls) in s.calls {
                let window = s.latency[action] ?? LatencyWindow()
                upstream[action] = Upstream(calls: calls, failures: s.failures[action] ?? [:],
                                            p50: window.percentile(50), p90: window.percentile(90), p99: window.percentile(99))
            }
            return Snapshot(role: role, startedAt: startedAt, now: now, workers: workers, busy: s.busy, requests: s.requests,
                            byStatus: s.byStatus, byError: s.byError, upstream: upstream, storeRecords: storeRecords)
        }
    }
}

/// The latest latencies in a fixed ring, so percentiles follow the present and memory is bounded.
struct LatencyWindow {
    static let capacity = 1024
    private var samples: [Double] = []
    private var next = 0

    mutating func add(_ value: Double) {
        if samples.count < Self.capacity {
            samples.append(value)
        } else {
            samples[next] = value
            next = (next + 1) % Self.capacity
        }
    }

    func percentile(_ p: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

/// A `FaceIDAPI` that times every call into `Metrics`.
public final class MeasuredFaceIDAPI: FaceIDAPI {
    private let inner: any FaceIDAPI
    private let metrics: Metrics

    public init(_ inner: any FaceIDAPI, metrics: Metrics) {
        self.inner = inner
        self.metrics = metrics
    }

    public func apply(_ request: ApplyRequest) throws(FaceIDError) -> ApplyResponse {
        try measure("ApplyWebVerificationBizTokenIntl") { () throws(FaceIDError) in try inner.apply(request) }
    }

    public func getResult(bizToken: String) throws(FaceIDError) -> GetResultResponse {
        try measure("GetWebVerificationResultIntl") { () throws(FaceIDError) in try inner.getResult(bizToken: bizToken) }
    }

    private func measure<T>(_ action: String, _ call: () throws(FaceIDError) -> T) throws(FaceIDError) -> T {
        let started = MonotonicClock.nowNanoseconds()
        do {
            let answer = try call()
            metrics.upstreamCall(action: action, milliseconds: MonotonicClock.millisecondsSince(started), failure: nil)
            return answer
        } catch {
            metrics.upstreamCall(action: action, milliseconds: MonotonicClock.millisecondsSince(started), failure: error.metricName)
            throw error
        }
    }
}

extension FaceIDError {
    /// A short stable name for counting: Tencent's code, or what kind of transport failure.
    var metricName: String {
        switch self {
        case .api(let code, _, _): code
        case .transport(let error): "transport.\(error.kind)"
        case .httpStatus(let status, _): "http.\(status)"
        case .malformed: "malformed"
        }
    }
}
