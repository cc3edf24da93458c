import FastCGI
import HTTPClient

/// `ekyc-start reconcile`: the reconciler's rounds, once (a systemd timer, cron) or every
/// interval (a service), under the store's lease.
enum ReconcileCommand {
    static let options: [Arguments.Option] = [
        .init("config"), .init("once", takesValue: false), .init("interval"), .init("help", takesValue: false),
    ]

    /// Every background round of a store runs under this one lease.
    static let leaseName = "background-rounds"
    /// Each task of a round stops asking after this long and leaves the rest to the next round:
    /// a timer every minute never finds the last run still going.
    static let roundMilliseconds: Int64 = 30_000

    static let help = """
        usage: ekyc-start reconcile [--config FILE] [--once | --interval 30s]

        Asks Tencent (GetWebVerificationResultIntl) about verifications no browser came back for: a user
        who passed and closed the tab, an in-app browser that lost the redirect. Results are stored as
        /ekyc/callback stores them, so the merchant's backend reads them (and webhooks report them).
        Tencent keeps a result readable for 3 days and never calls back: nothing else asks.

        A pending verification is asked about from reconcile_after (2m) after its start, at most every
        reconcile_every (5m), more rarely as it ages, and ended as expired before its 3 days are up.
        Every call counts against api_budget and the reconciler's own reconcile_rate (2/s): at its
        rate it waits, at the budget it stops the round (the rest is the live users').

          --once            one round, then exit (systemd's ekyc-reconcile.timer, cron)
          --interval 30s    a round every this long until SIGTERM (default: config 'reconcile_interval', 30s)
          --config FILE     configuration (default: $EKYC_CONFIG, else /etc/ekyc/ekyc.conf)

        One reconciler runs at a time per store (a lock file in the store directory; a lease key in
        Redis): another one says who holds it and, with --once, exits 0; without --once it waits as
        a standby. One line per round: event=reconcile listed= due= checked= finalized= pending=
        expired= deferred= requeued= errors= ms= [stopped=…]. Exit status 1 when the store or the API
        failed (the line says which), 2 for a bad command line or configuration.
        Run it as the handlers' user (runuser -u ekyc --), so the records stay theirs.

        """

    static func run(_ raw: [String], environment: [String: String]) -> Int32 {
        let arguments: Arguments
        do { arguments = try Arguments(raw, options: options) } catch {
            return HandlerMain.fail(.start, "reconcile: \(error.description)")
        }
        if arguments.has("help") { print(help, terminator: ""); return 0 }
        guard arguments.positional.isEmpty else {
            return HandlerMain.fail(.start, "reconcile: unexpected argument '\(arguments.positional[0])'; see 'ekyc-start reconcile --help'")
        }
        let once = arguments.has("once")
        if once && arguments["interval"] != nil {
            return HandlerMain.fail(.start, "reconcile: --once and --interval exclude each other: one round, or a round every interval")
        }
        let path = arguments["config"] ?? environment["EKYC_CONFIG"] ?? "/etc/ekyc/ekyc.conf"
        let config: HandlerConfig, stores: TokenStores, client: FaceIDClient
        var interval: Int64
        do throws(ConfigError) {
            (config, stores) = try HandlerRuntime.load(path: path, environment: environment)
            interval = config.reconcile.intervalSeconds
            if let text = arguments["interval"] {
                guard let seconds = ConfigDuration.seconds(text), (1...3_600).contains(seconds) else {
                    throw ConfigError("--interval takes a time from 1s to 1h, such as 30s or 5m, got '\(text)'")
                }
                interval = seconds
            }
            do { client = try FaceIDClient(credentials: config.credentials, endpoint: config.endpoint, options: config.http) } catch {
                throw ConfigError("cannot create the HTTP client: \(error.description)")
            }
        } catch {
            return HandlerMain.fail(.start, "reconcile: \(error.description)")
        }

        let stop = StopSignals()
        let (store, limiter) = stores.makeWithLimiter()
        // With webhooks on, every result it finds is enqueued like the callback's, and a final
        // record whose event is missing gets it.
        let reconciler = Reconciler(store: store, api: client, events: config.webhooks == nil ? nil : store, limiter: limiter,
                                    limits: config.limits, settings: config.reconcile, pause: stop.pause)
        let reconcile = RoundTask(name: "reconcile") { deadline in
            let round = reconciler.round(deadline: deadline)
            return (round.logLine, round.failed)
        }
        // A Redis lease outlives the longest gap between two renewals: a task, and the pause
        // between two rounds.
        let ttl = 2 * (roundMilliseconds + (once ? 0 : interval * 1000))
        let rounds = LeasedRounds(lease: stores.lease(leaseName, ttlMilliseconds: ttl),
                                  // The webhook deliverer is a service of its own (`ekyc-start deliver`,
                                  // its own lease): it posts what this round enqueues within a second.
                                  tasks: [reconcile],
                                  roundMilliseconds: roundMilliseconds)
        if once {
            let outcome = rounds.round()
            rounds.lease.release()
            LeasedRounds.line(outcome)?.write()
            switch outcome {
            case .ran(let failed): return failed ? 1 : 0
            case .held: return 0
            case .leaseFailed: return 1
            }
        }
        LogLine(event: "reconcile_started", ("interval", "\(interval)s"), ("store", CheckConfig.storeName(config))).write()
        rounds.run(intervalMilliseconds: interval * 1000, pause: stop.pause)
        LogLine(event: "reconcile_stopped").write()
        return 0
    }
}
