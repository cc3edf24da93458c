import FastCGI

/// One POST of one event, as the deliverer hands it to the sender.
public struct WebhookRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
}

/// What became of a POST: the receiver answered (any status), or no answer came (refused,
/// timed out, reset) with the transport's words.
public enum WebhookOutcome: Sendable, Equatable {
    case answered(status: Int, body: [UInt8])
    case noAnswer(String)
}

/// What one round did, for the caller's log or status.
public struct DeliveryStats: Sendable, Equatable {
    public var delivered = 0
    public var retrying = 0
    public var givenUp = 0
    /// The round stopped before the due events were done: the receiver gave no answer (the
    /// rest wait for the next round) or `proceed` said stop.
    public var stoppedEarly = false

    public init() {}
    public var attempted: Int { delivered + retrying + givenUp }
}

/// Sends the due events of the outbox, at least once each: an event is marked delivered only
/// after a 2xx, and anything else (another status, a timeout, a refused connection) schedules
/// the next attempt (`DeliverySchedule`) until the event is given up. A worker loop gets a
/// deliverer and its lease from `Deliverer.live(_:stores:)` and, each round it holds the lease,
/// calls `deliverDue(now:proceed:)` with `proceed` renewing it, so in normal operation each event
/// reaches the receiver once; after a crash between the receiver's 2xx and the mark, it is sent
/// again with the same id, which receivers deduplicate on.
///
/// The sender is injected: `WebhookClient` (libcurl) in the processes, a closure in tests.
public struct Deliverer {
    public let webhooks: Webhooks
    public let outbox: any DeliveryQueue
    public let store: any TokenStore
    public let send: (WebhookRequest) -> WebhookOutcome
    public let schedule: DeliverySchedule
    public let clock: () -> Int64
    public let random: () -> Double

    /// Events taken per round; the next round takes the rest.
    public static let batch = 100

    public init(config webhooks: Webhooks, outbox: any DeliveryQueue, store: any TokenStore,
                send: @escaping (WebhookRequest) -> WebhookOutcome, clock: @escaping () -> Int64 = WallClock.seconds,
                random: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.webhooks = webhooks
        self.outbox = outbox
        self.store = store
        self.send = send
        self.schedule = DeliverySchedule(webhooks)
        self.clock = clock
        self.random = random
    }

    /// Sends what is due at `now`, the earliest due first. `proceed` is asked before each send
    /// (a stop signal, a lease to renew); false ends the round there. A store error ends the
    /// round too: what was sent and not yet marked is sent again later.
    public func deliverDue(now: Int64, proceed: () -> Bool = { true }) throws(StoreError) -> DeliveryStats {
        var stats = DeliveryStats()
        for event in try outbox.due(now: now, limit: Self.batch) {
            guard proceed() else {
                stats.stoppedEarly = true
                break
            }
            let (next, answered) = try attempt(event)
            try outbox.update(next)
            if next.deliveredAt != nil { stats.delivered += 1 } else if next.givenUpAt != nil { stats.givenUp += 1 } else { stats.retrying += 1 }
            // A receiver that does not answer will not answer the next event either; waiting a
            // timeout for each would hold the caller's loop for minutes.
            if !answered {
                stats.stoppedEarly = true
                break
            }
        }
        return stats
    }

    /// One attempt: the event with its new delivery state, and whether the receiver answered.
    func attempt(_ event: VerificationEvent) throws(StoreError) -> (VerificationEvent, answered: Bool) {
        let started = clock()
        let logID = [("id", event.id), ("token", TokenFormat.logID(event.token)), ("attempt", String(event.attempts + 1))]
        guard let record = try store.load(token: event.token) else {
            // Nothing to build the payload from, now or later: nothing is sent.
            var gone = event
            gone.lastError = "the verification's record is gone (its retention ended)"
            gone.givenUpAt = started
            Self.log("webhook_given_up", logID + [("error", "no record")])
            return (gone, true)
        }
        let body = WebhookPayload.body(event, record: record)
        let request = WebhookRequest(url: webhooks.url, headers: [
            ("Content-Type", "application/json"),
            (WebhookSignature.header, WebhookSignature.sign(key: webhooks.key, timestamp: started, body: body)),
            ("EKYC-Event-Id", event.id),
        ], body: body)
        let outcome = send(request)
        let now = clock()
        let failure: String
        switch outcome {
        case .answered(let status, _) where (200...299).contains(status):
            Self.log("webhook_delivered", logID + [("type", event.type.rawValue), ("status", String(status))])
            return (schedule.afterSuccess(event, now: now), true)
        case .answered(let status, let answer):
            failure = Self.describe(status: status, body: answer)
        case .noAnswer(let message):
            failure = message
        }
        let next = schedule.afterFailure(event, now: now, error: failure, random: random())
        if next.givenUpAt != nil {
            Self.log("webhook_given_up", logID + [("error", "\(failure)"), ("retry", "ekyc-start events --redeliver \(event.id)")])
        } else {
            Self.log("webhook_failed", logID + [("error", "\(failure)"), ("next_in", "\(next.nextAttempt - now)s")])
        }
        if case .answered = outcome { return (next, true) }
        return (next, false)
    }

    /// A status that is not 2xx, with the start of what the receiver said about it.
    static func describe(status: Int, body: [UInt8]) -> String {
        var text = "HTTP \(status)"
        if (300...399).contains(status) { text += " (redirects are not followed: set webhook_url to the final address)" }
        let said = String(decoding: body.prefix(120), as: UTF8.self)
            .unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7f && $0 != "\"" }
        if !said.isEmpty { text += ": " + String(String.UnicodeScalarView(said)).trimmed() }
        return text
    }

    private static func log(_ event: String, _ fields: [(String, String)]) {
        LogLine([LogField("event", event)] + fields.map { LogField($0.0, $0.1) }).write()
    }

}
