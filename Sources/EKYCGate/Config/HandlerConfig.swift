public import HTTPClient
import FastCGI

/// Everything `ekyc-start` and `ekyc-callback` read from their config file, checked once at
/// start-up so a mistake stops the process with a message instead of failing a user later.
public struct HandlerConfig: Sendable {
    public var credentials: Credentials
    public var endpoint: FaceIDEndpoint
    public var http: HTTPClientOptions
    /// Where the eKYC page sends the browser back to (Tencent's `RedirectURL`).
    public var redirectURL: String
    /// Only VerificationURLs on this origin are followed (no open redirect).
    public var verificationOrigin: OriginPattern
    /// The file store's directory; empty when the store is Redis.
    public var storeDirectory: String
    /// The Redis store, when `store = redis://…`; nil for the file store.
    public var redis: RedisOptions?
    /// `store_max_records`, `store_max_bytes`: past them START answers 503 `store_full`.
    public var storeQuota: StoreQuota
    /// `store_create`: whether a missing store directory is made (`FileStoreOptions`).
    public var fileStore: FileStoreOptions
    public var cookieName: String
    public var cookieSecure: Bool
    /// Where the browser sends the session cookie back (`cookie_path`).
    public var cookiePath: CookiePath
    public var allowUnsignedExtra: Bool
    /// Key of signed start links; nil when the merchant does not use them.
    public var linkKey: String?
    /// Key of the session cookie's MAC (`SessionID`), derived from secret_key once here, so
    /// both handlers agree; a new secret_key ends the sessions issued under the old one.
    public var sessionKey: [UInt8]
    /// Refuse `/ekyc/start` without a valid signed link.
    public var requireSignedLink: Bool
    /// A signed link whose verification has completed cannot start another.
    public var singleUseLinks: Bool
    /// Face images, video and OCR data in answers to the merchant's backend (signed result requests).
    public var exposeMedia: Bool
    /// Addresses allowed to read `/ekyc/status`; nil when the status page is off.
    public var status: [AddressPattern]?
    public var ruleId: String?
    public var page: WebVerificationConfig
    public var workers: Int
    /// Largest request body read, in bytes (8 MB of base64 plus form overhead).
    public var maxBodyBytes: Int
    /// The API budget and each client's share of it.
    public var limits: Limits
    /// Accept a reference photo from the browser (off by default once `link_key` is set:
    /// the face must then be compared with a photo the merchant's backend supplies).
    public var browserImages: Bool
    /// The public URL of `/ekyc/start`, where handoff URLs for backend-created verifications point.
    public var startURL: String
    /// The bytes of request bodies one process may hold at once (`ServeOptions.bodyMemoryLimit`).
    public var bodyMemoryLimit: Int
    /// When `ekyc-start reconcile` asks about verifications, and its share of the budget.
    public var reconcile: ReconcileSettings
    /// Signed webhooks of final results; nil when `webhook_url` is unset.
    public var webhooks: Webhooks?

    public static let knownKeys: Set<String> = Set([
        "secret_file", "secret_id", "secret_key", "endpoint", "region", "ca_file", "connect_timeout_ms", "timeout_ms",
        "redirect_url", "verification_origin", "store", "cookie_name", "cookie_secure", "allow_unsigned_extra",
        "rule_id", "workers", "max_body_bytes", "body_memory_limit", "link_key", "require_signed_link", "single_use_links", "expose_media", "status", "status_allow",
        "redis_password_file", "redis_connect_timeout_ms", "redis_timeout_ms", "store_max_records", "store_max_bytes",
        "browser_images", "start_url",
    ]).union(WebVerificationConfig.configKeys).union(Limits.configKeys)
        .union(ReconcileSettings.configKeys).union(Webhooks.configKeys).union(CookiePath.configKeys)
        .union(RedisReplication.configKeys).union(FileStoreOptions.configKeys)

    /// Reads the config file, applies `EKYC_*` overrides, reads the files it names, and checks
    /// everything: the one loading step, done once per start or reload.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> HandlerConfig {
        var file = try ConfigFile.load(path: path)
        file.applyEnvironment(environment, knownKeys: knownKeys)
        return try HandlerConfig(file: file, environment: environment, files: try ReferencedFiles.load(for: file))
    }

    /// Checks parsed values; pure (the files the config names come in `files`).
    public init(file: ConfigFile, environment: [String: String], files: ReferencedFiles = ReferencedFiles()) throws(ConfigError) {
        try file.rejectUnknownKeys(Self.knownKeys)
        let secrets = try Secrets(config: file, files: files, environment: environment)
        credentials = secrets.credentials
        sessionKey = SessionID.key(secret: secrets.credentials.secretKey)
        linkKey = secrets.linkKey
        if let linkKey, linkKey.utf8.count < 32 {
            throw ConfigError("link_key is \(linkKey.utf8.count) bytes; use at least 32 random characters, e.g. from: openssl rand -hex 32")
        }
        requireSignedLink = try file.bool("require_signed_link", default: linkKey != nil)
        singleUseLinks = try file.bool("single_use_links", default: false)
        if requireSignedLink && linkKey == nil {
            throw ConfigError("\(file.origin(of: "require_signed_link")): require_signed_link = true needs link_key (in secret_file or the config)")
        }
        let host = try file.string("endpoint", default: "faceid.intl.tencentcloudapi.com")
        guard !host.contains("/"), !host.contains(" ") else {
            throw ConfigError("\(file.origin(of: "endpoint")): endpoint is a host[:port] such as faceid.intl.tencentcloudapi.com, not a URL")
        }
        let region = try file.string("region", default: "ap-singapore")
        guard FaceIDEndpoint.regions.contains(region) else {
            throw ConfigError("\(file.origin(of: "region")): region '\(region)' is not one Tencent documents for eKYC; use one of \(FaceIDEndpoint.regions.sorted().joined(separator: ", "))")
        }
        endpoint = FaceIDEndpoint(host: host, region: region)
        http = HTTPClientOptions(
            connectTimeoutMilliseconds: try file.int("connect_timeout_ms", default: 3_000, range: 100...60_000),
            totalTimeoutMilliseconds: try file.int("timeout_ms", default: 10_000, range: 100...120_000),
            caFile: file.optionalString("ca_file"))
        redirectURL = try file.string("redirect_url")
        let redirect: AbsoluteURL
        do { redirect = try AbsoluteURL(parsing: redirectURL) } catch {
            throw ConfigError("\(file.origin(of: "redirect_url")): redirect_url must be an absolute http(s) URL such as https://shop.example.com/ekyc/done; '\(redirectURL)' \(error.reason)")
        }
        // Tencent documents one thing it does with RedirectURL: append `?token={BizToken}`. With
        // a query or fragment already there, what it builds is not documented.
        guard !redirect.rest.contains("?"), !redirect.rest.contains("#") else {
            throw ConfigError("\(file.origin(of: "redirect_url")): redirect_url must have no query or fragment (Tencent appends ?token=… to it); give a plain path such as \(redirect.origin)/ekyc/done")
        }
        let origin = try file.string("verification_origin", default: "https://*.faceid.qq.com")
        do { verificationOrigin = try OriginPattern(parsing: origin) } catch {
            throw ConfigError("\(file.origin(of: "verification_origin")): verification_origin must look like https://*.faceid.qq.com or http://localhost:8081; '\(origin)' \(error.reason)")
        }
        var store = try file.string("store", default: "file:/var/lib/ekyc/tokens")
        if RedisOptions.isRedisURL(store) {
            redis = try RedisOptions(config: file, url: store, files: files)
            storeDirectory = ""
        } else {
            if store.hasPrefix("file:") { store.removeFirst(5) }
            guard store.hasPrefix("/") else {
                throw ConfigError("\(file.origin(of: "store")): store must be file:/absolute/path (e.g. file:/var/lib/ekyc/tokens) or redis://host:port/db")
            }
            storeDirectory = store
            for key in ["redis_password_file", "redis_connect_timeout_ms", "redis_timeout_ms"] + RedisReplication.configKeys.sorted() where file.optionalString(key) != nil {
                throw ConfigError("\(file.origin(of: key)): \(key) applies only to store = redis://…; the store here is a directory")
            }
        }
        storeQuota = StoreQuota(maxRecords: try file.limit("store_max_records", default: StoreQuota.defaultMaxRecords, range: 1...(1 << 40)),
                                maxBytes: try file.limit("store_max_bytes", default: StoreQuota.defaultMaxBytes, range: 1...(1 << 50)))
        fileStore = try FileStoreOptions(config: file)
        cookieName = try file.string("cookie_name", default: "ekyc_session")
        guard cookieName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ConfigError("\(file.origin(of: "cookie_name")): cookie_name may hold only letters, digits, _ and -")
        }
        cookieSecure = try file.bool("cookie_secure", default: true)
        cookiePath = try CookiePath(config: file)
        // Browsers keep a Secure cookie from http only on localhost; anywhere else the session
        // cookie would never come back and every callback would be a 403.
        if cookieSecure, redirect.scheme == "http", !["localhost", "127.0.0.1", "[::1]"].contains(redirect.host) {
            throw ConfigError("\(file.origin(of: "cookie_secure")): cookie_secure = true with an http redirect_url (\(redirect.origin)): the browser never sends a Secure cookie back over http, so every result would be refused; serve the site over https, or set cookie_secure = false for a plain-http test")
        }
        allowUnsignedExtra = try file.bool("allow_unsigned_extra", default: false)
        exposeMedia = try file.bool("expose_media", default: false)
        if try file.bool("status", default: false) {
            status = try file.addressPatterns("status_allow", default: "127.0.0.1, ::1")
        } else {
            status = nil
        }
        ruleId = file.optionalString("rule_id")
        page = try WebVerificationConfig(config: file)
        workers = try file.int("workers", default: 256, range: 1...1024)
        maxBodyBytes = try file.int("max_body_bytes", default: 9 << 20, range: 1024...(64 << 20))
        limits = try Limits(config: file)
        if let text = file.optionalString("browser_images") {
            guard let allow = ["allow": true, "refuse": false][text.lowercased()] else {
                throw ConfigError("\(file.origin(of: "browser_images")): browser_images must be allow or refuse, got '\(text)'")
            }
            browserImages = allow
        } else {
            browserImages = linkKey == nil
        }
        if let problem = CheckModeChoice.configProblem(configured: page.checkMode, browserImages: browserImages, backend: linkKey != nil) {
            throw ConfigError("\(file.origin(of: "check_mode")): \(problem)")
        }
        startURL = try file.string("start_url", default: redirect.origin + "/ekyc/start")
        guard let start = AbsoluteURL(startURL), start.rest.hasPrefix("/"), !start.rest.contains("?"), !start.rest.contains("#") else {
            throw ConfigError("\(file.origin(of: "start_url")): start_url must be the absolute URL of /ekyc/start without a query, such as https://shop.example.com/ekyc/start, got '\(startURL)'")
        }
        bodyMemoryLimit = try file.int("body_memory_limit", default: ServeOptions.defaultBodyMemoryLimit, range: 1024...(64 << 30))
        guard bodyMemoryLimit >= maxBodyBytes else {
            throw ConfigError("\(file.origin(of: "body_memory_limit")): body_memory_limit = \(bodyMemoryLimit) is below max_body_bytes = \(maxBodyBytes), so the largest upload could never be read; raise body_memory_limit or lower max_body_bytes")
        }
        reconcile = try ReconcileSettings(config: file)
        webhooks = try Webhooks(config: file, key: secrets.webhookKey, linkKey: linkKey)
    }
}
