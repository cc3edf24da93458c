import FastCGI
import HTTPClient

/// `ekyc-start deliver`: the webhook deliverer as a process of its own (the reconciler's loop
/// calls the same `Deliverer` each round instead). It holds the `deliver` lease, so on a
/// machine (file store) or across nodes (Redis) one deliverer sends at a time, and another
/// takes over when it dies.
enum DeliverCommand {
    static let help = """
    usage: ekyc-start deliver [--config FILE] [--once]

    Sends the webhook event of every final result to webhook_url, signed with webhook_key
    (header EKYC-Signature: t=UNIX,v1=hex(HMAC-SHA256(webhook_key, t + "." + body))). An event
    is marked delivered only when the receiver answers 2xx; anything else is tried again after
    webhook_retry_base, twice as long each time up to webhook_retry_max, until webhook_give_up
    after the result. See docs/CONFIGURATION.md, "Webhooks".

    Runs until SIGTERM or SIGINT, checking the outbox every second. One deliverer sends at a
    time: a second one (on this machine, or on any node sharing a Redis store) waits until the
    first stops or dies, then takes over.

      --config FILE   configuration (default: $EKYC_CONFIG, else /etc/ekyc/ekyc.conf)
      --once          send what is due now and exit; exits 1 when another deliverer is running

    Each attempt is logged on stderr (event=webhook_delivered, webhook_failed, webhook_given_up);
    `ekyc-start events` lists what is not delivered.
    """

    static let options: [Arguments.Option] = [.init("config"), .init("once", takesValue: false), .init("help", takesValue: false)]
    /// How often the outbox is looked at: a result reaches the receiver about this soon.
    static let pollMilliseconds = 1_000

    static func run(_ raw: [String], environment: [String: String]) -> Int32 {
        let signals = StopSignals()
        let setup: WebhookCommandLine
        switch WebhookCommandLine.start("deliver", raw, options: options, help: help, environment: environment) {
        case .ready(let ready): setup = ready
        case .exit(let status): return status
        }
        let arguments = setup.arguments
        let deliverer: Deliverer, lease: any Lease
        do { (deliverer, lease) = try Deliverer.live(setup.webhooks, stores: setup.stores) } catch { return fail(error.description) }
        defer { lease.release() }
        LogLine(event: "deliver_start", ("url_host", AbsoluteURL(setup.webhooks.url)?.host ?? "?"), ("once", "\(arguments.has("once"))")).write()

        var waitingLogged = false
        while !signals.requested {
            let held: Bool
            do { held = try lease.acquire() } catch {
                LogLine(event: "deliver_store_error", ("error", error.description), ("effect", "trying again")).write()
                if signals.wait(milliseconds: pollMilliseconds) { break }
                continue
            }
            guard held else {
                let holder = lease.holder() ?? "another process"
                if arguments.has("once") { return fail("another deliverer (\(holder)) holds the '\(lease.name)' lease; it delivers what is due") }
                if !waitingLogged { LogLine(event: "deliver_waiting", ("holder", "\(holder)"), ("effect", "taking over when it stops")).write() }
                waitingLogged = true
                if signals.wait(milliseconds: pollMilliseconds) { break }
                continue
            }
            waitingLogged = false
            var total = DeliveryStats()
            do {
                var stats: DeliveryStats
                repeat {
                    stats = try deliverer.deliverDue(now: WallClock.seconds()) {
                        !signals.requested && (try? lease.renew()) == true
                    }
                    total.delivered += stats.delivered
                    total.retrying += stats.retrying
                    total.givenUp += stats.givenUp
                } while stats.attempted == Deliverer.batch && !stats.stoppedEarly
            } catch {
                LogLine(event: "deliver_store_error", ("error", error.description), ("effect", "trying again")).write()
                if arguments.has("once") { return 1 }
            }
            if arguments.has("once") {
                print("delivered \(total.delivered), to retry \(total.retrying), given up \(total.givenUp)")
                return 0
            }
            if signals.wait(milliseconds: pollMilliseconds) { break }
        }
        LogLine(event: "deliver_stop").write()
        return 0
    }

    static func fail(_ message: String) -> Int32 { WebhookCommandLine.fail("deliver", message) }
}
