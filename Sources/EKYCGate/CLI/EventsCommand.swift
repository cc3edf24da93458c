/// `ekyc-start events`: what the operator sees of the webhook outbox, and the two things they
/// may do with it: send one event again, and sign a body to test a receiver.
enum EventsCommand {
    static let help = """
    usage: ekyc-start events [--config FILE]
           ekyc-start events [--config FILE] --redeliver EVENT_ID
           ekyc-start events [--config FILE] --sign FILE [--timestamp UNIX_SECONDS]

    Without options, lists the webhook events not delivered yet, the earliest due first: event
    id, type, the verification's token as a hash prefix (as the logs show it), attempts so far,
    when the next attempt is due (or "given up"), and the receiver's last answer.

      --config FILE          configuration (default: $EKYC_CONFIG, else /etc/ekyc/ekyc.conf)
      --redeliver EVENT_ID   make this event due now, delivered or not: for a receiver that lost
                             an event, or one given up after its receiver was down too long. The
                             running deliverer (ekyc-start deliver) sends it within a second.
      --sign FILE            print the EKYC-Signature value of FILE's bytes under webhook_key, to
                             test a receiver by hand:
                               curl -H "EKYC-Signature: $(ekyc-start events --sign body.json)" \\
                                    -H 'Content-Type: application/json' --data-binary @body.json URL
      --timestamp UNIX       with --sign: the time to sign (default: now)
    """

    static let options: [Arguments.Option] = [
        .init("config"), .init("redeliver"), .init("sign"), .init("timestamp"), .init("help", takesValue: false),
    ]
    /// More than an operator reads; the count says how many more there are.
    static let listLimit = 1_000

    static func run(_ raw: [String], environment: [String: String]) -> Int32 {
        let setup: WebhookCommandLine
        switch WebhookCommandLine.start("events", raw, options: options, help: help, environment: environment) {
        case .ready(let ready): setup = ready
        case .exit(let status): return status
        }
        let arguments = setup.arguments
        if let file = arguments["sign"] { return sign(file, timestamp: arguments["timestamp"], key: setup.webhooks.key) }
        do {
            let outbox = setup.stores.make()
            if let id = arguments["redeliver"] { return try redeliver(id, outbox: outbox) }
            print(list(try outbox.undelivered(limit: listLimit + 1), now: WallClock.seconds()), terminator: "")
            return 0
        } catch {
            return fail("\(error) — check the store (ekyc-start --check-config)")
        }
    }

    static func redeliver(_ id: String, outbox: any DeliveryQueue) throws(StoreError) -> Int32 {
        guard VerificationEvent.isValidID(id) else { return fail("'\(id.prefix(60))' is not an event id (evt_ and 32 hex digits, as listed)") }
        guard let event = try outbox.event(id: id) else {
            return fail("no event \(id) in the outbox (events are kept \(VerificationEvent.retentionSeconds / 86_400) days after their result)")
        }
        guard try outbox.update(event.redelivered(now: WallClock.seconds())) else { return fail("event \(id) was swept meanwhile") }
        let before = event.deliveredAt.map { "delivered at \(UTCDate.iso8601($0))" } ?? (event.givenUpAt != nil ? "given up" : "not delivered yet")
        print("\(id) is due now (it was \(before)); the deliverer sends it on its next round")
        return 0
    }

    /// The table of undelivered events; pure, for the tests.
    static func list(_ events: [VerificationEvent], now: Int64) -> String {
        guard !events.isEmpty else { return "no undelivered events\n" }
        var rows = [["ID", "TYPE", "TOKEN", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR"]]
        for event in events.prefix(listLimit) {
            let next = event.givenUpAt != nil ? "given up" : event.nextAttempt <= now ? "now" : UTCDate.iso8601(event.nextAttempt)
            rows.append([event.id, event.type.rawValue, TokenFormat.logID(event.token), String(event.attempts), next, event.lastError ?? "-"])
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var out = rows.map { row in
            (0..<5).map { row[$0].padding(widths[$0]) }.joined(separator: "  ") + "  " + row[5]
        }.joined(separator: "\n") + "\n"
        if events.count > listLimit { out += "(only the first \(listLimit) are shown)\n" }
        return out
    }

    static func sign(_ file: String, timestamp: String?, key: String) -> Int32 {
        let body: [UInt8]
        do { body = try FileReading.bytes(atPath: file, limit: 1 << 20) } catch { return fail("cannot read --sign \(file): \(error.reason)") }
        let time: Int64
        if let timestamp {
            guard let value = Int64(timestamp), value >= 0 else { return fail("--timestamp takes a Unix time in seconds, got '\(timestamp)'") }
            time = value
        } else {
            time = WallClock.seconds()
        }
        print(WebhookSignature.sign(key: key, timestamp: time, body: body))
        return 0
    }

    static func fail(_ message: String) -> Int32 { WebhookCommandLine.fail("events", message) }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
