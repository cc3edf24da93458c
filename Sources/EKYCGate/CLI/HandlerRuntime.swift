import Synchronization
public import FastCGI
import HTTPClient

/// The running configuration of a handler process. SIGHUP loads the file again; a valid new
/// configuration becomes a new generation, and each worker picks it up before its next
/// request, so no request is dropped or served half with the old and half with the new one.
/// An invalid file is reported and the running configuration stays.
public final class HandlerRuntime: Sendable {
    public struct Generation: Sendable {
        public var number: Int
        public var config: HandlerConfig
        /// Each worker takes its store from here (the shared file store, or its own Redis connection).
        public var stores: TokenStores
        /// Final results seen by this process, shared by its workers.
        public var finals = FinalResultCache()
        /// The latest pending answer per token, repeated between two rechecks of the API.
        public var pendingAnswers = BoundedCache<GetResultResponse>()
    }

    public let role: HandlerMain.Role
    public let configPath: String
    public let environment: [String: String]
    public let metrics: Metrics
    private let current: Mutex<Generation>

    /// A runtime whose first generation is a configuration already loaded (and its store opened).
    public init(role: HandlerMain.Role, configPath: String, environment: [String: String], workers: Int,
                config: HandlerConfig, stores: TokenStores) {
        self.role = role
        self.configPath = configPath
        self.environment = environment
        current = Mutex(Generation(number: 1, config: config, stores: stores))
        metrics = Metrics(role: role.rawValue, workers: workers)
    }

    public convenience init(role: HandlerMain.Role, configPath: String, environment: [String: String], workers: Int) throws(ConfigError) {
        let (config, stores) = try Self.load(path: configPath, environment: environment)
        self.init(role: role, configPath: configPath, environment: environment, workers: workers, config: config, stores: stores)
    }

    public var generation: Generation { current.withLock { $0 } }

    /// Reads and checks the config file and opens its store.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> (HandlerConfig, TokenStores) {
        let config = try HandlerConfig.load(path: path, environment: environment)
        return (config, try TokenStores.open(config, log: { $0.write() }))
    }

    /// SIGHUP: a new generation when the file is valid; otherwise the old one stays.
    public func reload() {
        do {
            let (config, stores) = try Self.load(path: configPath, environment: environment)
            let number = current.withLock { state in
                state = Generation(number: state.number + 1, config: config, stores: stores)
                return state.number
            }
            LogLine(event: "reload", ("config", configPath), ("generation", "\(number)")).write()
        } catch {
            LogLine(event: "reload_failed", ("config", configPath), ("error", error.description), ("effect", "the running configuration stays")).write()
        }
    }

    public var hooks: ServerHooks {
        let metrics = metrics
        return ServerHooks(requestStarted: { metrics.requestStarted() },
                           requestFinished: { _, response, _ in metrics.requestFinished(response) },
                           reload: { [self] in reload() },
                           busy: { request in
                               let busy = Answers.error(503, code: "busy",
                                                        message: "too many photo uploads at once; nothing was started, retry in a few seconds",
                                                        headers: [("Retry-After", String(ServerHooks.busyRetrySeconds))])
                               return Answers.identified(busy, for: request)
                           })
    }

    /// One worker's handler: its own API client (its own curl easy handle; the connections are
    /// the process's, in `TransferLoop`), rebuilt when the configuration generation changes.
    public func makeHandler() -> Handler {
        var built: (number: Int, handler: Handler)?
        return { [self] request in
            let generation = self.generation
            if built?.number != generation.number {
                built = (generation.number, Self.handler(role: role, generation: generation, metrics: metrics))
            }
            return built!.handler(request)
        }
    }

    static func handler(role: HandlerMain.Role, generation: Generation, metrics: Metrics) -> Handler {
        let config = generation.config
        let (store, limiter) = generation.stores.makeWithLimiter()
        let client: FaceIDClient
        do throws(HTTPClientError) {
            client = try FaceIDClient(credentials: config.credentials, endpoint: config.endpoint, options: config.http)
        } catch {
            let message = error.description
            return { _ in Answers.error(500, code: "client_init", message: "cannot create the HTTP client: \(message)") }
        }
        let api = MeasuredFaceIDAPI(client, metrics: metrics)
        let status = config.status.map { allowed in
            StatusPage(allowed: allowed, metrics: metrics, storeRecords: { try? store.approximateCount() },
                       storeQuota: { ((try? store.usage()) ?? nil).map { StoreQuotaStatus(usage: $0, quota: config.storeQuota) } })
        }
        let serve: Handler
        switch role {
        case .start:
            let handler = StartHandler(config: config, api: api, store: store, limiter: limiter)
            serve = { handler.handle($0) }
        case .callback:
            // With webhooks on, every final result this handler records enqueues its event in
            // the store's outbox, for `ekyc-start deliver` (or the reconciler) to send.
            let handler = CallbackHandler(config: config, api: api, store: store, finals: generation.finals,
                                          pendingAnswers: generation.pendingAnswers, limiter: limiter,
                                          events: config.webhooks == nil ? nil : store)
            serve = { handler.handle($0) }
        }
        return { request in
            if request.path == StatusPage.path, let status { return status.handle(request) }
            return serve(request)
        }
    }
}
