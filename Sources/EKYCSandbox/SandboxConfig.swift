public import EKYCGate

/// The sandbox's settings, read from its `key = value` file (see `SandboxConfig.keys`).
public struct SandboxConfig: Sendable {
    public static let keys: Set<String> = [
        "secret_file", "secret_id", "secret_key", "page_url", "workers", "rate_limit", "fault", "fault_header",
    ]
    public static let defaultWorkers = 4

    /// The one key pair the API accepts.
    public var credentials: Credentials
    /// Base of VerificationURL, e.g. `http://localhost:8081/reflect/`.
    public var pageURL: String
    public var workers: Int
    /// Tencent's 20 requests/s per action (`rate_limit = on`, the default).
    public var rateLimit: Bool
    /// Injected into every API answer (`fault = latency=500`, …); nil for none.
    public var fault: Fault?
    /// Whether `X-Sandbox-Fault` is honoured per request (`fault_header = on`, the default).
    public var faultHeader: Bool

    public init(credentials: Credentials, pageURL: String, workers: Int = defaultWorkers,
                rateLimit: Bool = true, fault: Fault? = nil, faultHeader: Bool = true) {
        self.credentials = credentials
        self.pageURL = pageURL
        self.workers = workers
        self.rateLimit = rateLimit
        self.fault = fault
        self.faultHeader = faultHeader
    }

    /// Checks parsed values; pure (a `secret_file` comes read, in `files`).
    public init(_ file: ConfigFile, environment: [String: String], files: ReferencedFiles = ReferencedFiles()) throws(ConfigError) {
        try file.rejectUnknownKeys(Self.keys)
        let credentials = try Secrets(config: file, files: files, environment: environment).credentials
        let pageURL = try file.string("page_url")
        guard ApplyRequest.isAbsoluteWebURL(pageURL), !pageURL.contains("?"), !pageURL.contains("#") else {
            throw ConfigError("\(file.origin(of: "page_url")): 'page_url = \(pageURL)' must be an absolute http(s) URL without query, e.g. http://localhost:8081/reflect/")
        }
        var fault: Fault?
        if let text = file.optionalString("fault"), text.lowercased() != "none" {
            guard let parsed = Fault(parsing: text) else {
                throw ConfigError("\(file.origin(of: "fault")): 'fault = \(text)' is not a fault; use none, \(Fault.syntax)")
            }
            fault = parsed
        }
        self.init(
            credentials: credentials, pageURL: pageURL,
            workers: try file.int("workers", default: Self.defaultWorkers, range: 1...256),
            rateLimit: try file.bool("rate_limit", default: true), fault: fault,
            faultHeader: try file.bool("fault_header", default: true))
    }

    /// The handler this configuration describes, with a fresh in-memory store.
    public func makeHandler() -> SandboxHandler {
        let store = MemoryVerificationStore()
        let api = SandboxAPI(authenticator: RequestAuthenticator(credentials: credentials), store: store,
                             pageURL: pageURL, rateLimiter: rateLimit ? RateLimiter() : nil)
        return SandboxHandler(api: api, page: SandboxPage(store: store), fault: fault, faultHeader: faultHeader)
    }
}
