#if canImport(Glibc)
import Glibc
#endif
import FastCGI
import HTTPClient

/// The shared `main` of `ekyc-start` and `ekyc-callback`: parse the command line, load and
/// check the config, open the store, then serve FastCGI or one CGI request.
public enum HandlerMain {
    public enum Role: String, Sendable {
        case start = "ekyc-start", callback = "ekyc-callback"
    }

    public static let version = "0.1.0"

    static let options: [Arguments.Option] = ServeArguments.options + [
        .init("config"), .init("help", takesValue: false), .init("version", takesValue: false),
        .init("check-config", takesValue: false), .init("online", takesValue: false),
    ]

    static func help(_ role: Role) -> String {
        let what = role == .start
            ? "Starts a Tencent eKYC verification (GET|POST /ekyc/start): calls ApplyWebVerificationBizTokenIntl,\nstores the BizToken and redirects the browser (303) to the eKYC page. The merchant's backend\ncreates one with a signed POST /ekyc/verifications and hands its user the link it gets back."
            : "Answers the result of a verification (GET /ekyc/callback?token=…) as JSON after checking the\ntoken against the store and the browser's session; calls GetWebVerificationResultIntl. The\nmerchant's backend reads one with a signed GET /ekyc/verifications/ID."
        var text = """
        usage: \(role.rawValue) [--config FILE] [--listen unix:PATH|HOST:PORT] [--socket-mode 0660] [--socket-owner USER[:GROUP]] [--workers N]

        \(what)

        How it runs (like any FastCGI app):
          --listen unix:/run/ekyc/\(role == .start ? "start" : "callback").sock   FastCGI on a unix socket (or 127.0.0.1:9001)
          (no --listen, fd 0 a socket)   FastCGI on the inherited socket (spawn-fcgi, systemd .socket)
          (no --listen, no socket)       plain CGI: one request from the environment (fcgiwrap, Apache)

        Options:
          --config FILE       configuration (default: $EKYC_CONFIG, else /etc/ekyc/ekyc.conf)
          --socket-mode MODE  octal mode of the unix socket, e.g. 0660 so only nginx's group connects
          --socket-owner U[:G] owner of the unix socket, e.g. root:www-data (needs the right to chown)
          --workers N         worker threads, each with its own API connection (default: config 'workers', 256)
          --check-config      check the configuration and the store (write, read, remove a probe record),
                              print what is wrong and how to fix it, exit 0 when all is well (like nginx -t)
          --online            with --check-config: also make one signed API call to check the credentials
          --version           print the version

        Signals: SIGTERM or SIGINT stops accepting and exits after the requests in progress;
        SIGHUP re-reads the configuration without dropping requests (--listen and --workers need a restart).

        Configuration keys are listed in docs/CONFIGURATION.md; every value is checked at start-up.
        Environment: EKYC_<KEY> overrides a key; TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY give the API key pair.
        """
        text += "\n\nSubcommands:\n  \(role.rawValue) sweep [--config FILE]   remove records past their 3-day retention, webhook events a day after that, and temp files of dead writers (run from cron or a timer; a Redis store needs none: Redis expires records)"
        if role == .start {
            text += "\n  \(role.rawValue) reconcile [--once]    ask Tencent about verifications no browser came back for and store their results (see '\(role.rawValue) reconcile --help')"
            text += "\n  \(role.rawValue) sign …                print every TC3 signing stage (see '\(role.rawValue) sign --help')"
            text += "\n  \(role.rawValue) deliver [--once]      send the signed webhooks of final results to webhook_url (see '\(role.rawValue) deliver --help')"
            text += "\n  \(role.rawValue) events [--redeliver ID]  list the webhook events not delivered yet, or send one again (see '\(role.rawValue) events --help')"
        }
        return text + "\n"
    }

    /// Runs the command and returns the process exit status.
    public static func run(_ role: Role, arguments raw: [String], environment: [String: String]) -> Int32 {
        if role == .start, raw.first == "sign" { return runSign(Array(raw.dropFirst())) }
        if role == .start, raw.first == "reconcile" { return ReconcileCommand.run(Array(raw.dropFirst()), environment: environment) }
        if role == .start, raw.first == "deliver" { return DeliverCommand.run(Array(raw.dropFirst()), environment: environment) }
        if role == .start, raw.first == "events" { return EventsCommand.run(Array(raw.dropFirst()), environment: environment) }
        let sweeping = raw.first == "sweep"
        let raw = sweeping ? Array(raw.dropFirst()) : raw
        let arguments: Arguments
        do { arguments = try Arguments(raw, options: options) } catch {
            return fail(role, error.description)
        }
        if arguments.has("help") { print(help(role), terminator: ""); return 0 }
        if arguments.has("version") { print("\(role.rawValue) \(version)"); return 0 }
        guard arguments.positional.isEmpty else { return fail(role, "unexpected argument '\(arguments.positional[0])'; see --help") }

        let path = configPath(arguments, environment)
        if arguments.has("check-config") {
            return CheckConfig.run(role, path: path, environment: environment, online: arguments.has("online"))
        }
        if sweeping { return sweep(role, path: path, environment: environment) }

        let runtime: HandlerRuntime
        let serve: ServeOptions
        do throws(ConfigError) {
            let (config, stores) = try HandlerRuntime.load(path: path, environment: environment)
            serve = try ServeArguments.serveOptions(
                arguments, defaults: ServeOptions(workers: config.workers, maxBodyBytes: config.maxBodyBytes,
                                                  bodyMemoryLimit: config.bodyMemoryLimit),
                workers: 1...1024)
            runtime = HandlerRuntime(role: role, configPath: path, environment: environment, workers: serve.workers,
                                     config: config, stores: stores)
        } catch {
            return fail(role, error.description)
        }
        do { try Serve.run(serve, hooks: runtime.hooks, makeHandler: { runtime.makeHandler() }) } catch {
            return fail(role, error.description)
        }
        return 0
    }

    /// `--config FILE`, else `$EKYC_CONFIG`, else the installed file.
    static func configPath(_ arguments: Arguments, _ environment: [String: String]) -> String {
        arguments["config"] ?? environment["EKYC_CONFIG"] ?? "/etc/ekyc/ekyc.conf"
    }

    static func sweep(_ role: Role, path: String, environment: [String: String]) -> Int32 {
        do {
            let (config, stores) = try HandlerRuntime.load(path: path, environment: environment)
            let store = stores.make()
            let now = WallClock.seconds()
            let removed = try store.sweep(now: now)
            let events = try store.sweepEvents(now: now)
            if config.redis != nil {
                print("nothing to sweep: Redis removes each record and webhook event when its TTL ends (\(events) expired event(s) left the pending set)")
            } else {
                print("swept \(removed) expired record(s) and stale temp file(s), and \(events) webhook event file(s), from \(config.storeDirectory)")
            }
            return 0
        } catch let error as ConfigError {
            return fail(role, error.description)
        } catch {
            return fail(role, "\(error)")
        }
    }

    static func runSign(_ raw: [String]) -> Int32 {
        let arguments: Arguments
        do { arguments = try Arguments(raw, options: SignCommand.options) } catch {
            return fail(.start, error.description)
        }
        if arguments.has("help") || raw.isEmpty { print(SignCommand.help); return raw.isEmpty ? 2 : 0 }
        var payload: [UInt8]
        if let path = arguments["payload-file"] {
            do { payload = try FileReading.bytes(atPath: path) } catch {
                return fail(.start, "cannot read --payload-file \(path): \(error.reason)")
            }
        } else if let text = arguments["payload"] {
            payload = Array(text.utf8)
        } else {
            return fail(.start, "give the request body with --payload-file FILE or --payload TEXT")
        }
        guard var secretKey = arguments["secret-key"] else { return fail(.start, "--secret-key is required ('-' reads it from standard input)") }
        if secretKey == "-" { secretKey = (readLine(strippingNewline: true) ?? "") }
        do {
            print(try SignCommand.render(arguments: arguments, payload: payload, secretKey: secretKey), terminator: "")
        } catch {
            return fail(.start, error.description)
        }
        payload.removeAll()
        return 0
    }

    static func fail(_ role: Role, _ message: String) -> Int32 {
        RequestLog.write("\(role.rawValue): \(message)")
        return 2
    }
}
