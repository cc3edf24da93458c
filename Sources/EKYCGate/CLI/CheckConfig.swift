#if canImport(Glibc)
import Glibc
#endif
import FastCGI
import HTTPClient
import EKYCCrypto

/// `--check-config`, in the way of `nginx -t`: every check prints one line, a failure says what
/// to fix, and the exit status tells a script whether the configuration can serve.
enum CheckConfig {
    static func run(_ role: HandlerMain.Role, path: String, environment: [String: String], online: Bool) -> Int32 {
        let name = role.rawValue
        let config: HandlerConfig
        let store: any TokenStore & DeliveryQueue
        do {
            let stores: TokenStores
            (config, stores) = try HandlerRuntime.load(path: path, environment: environment)
            store = stores.make()
        } catch {
            print("\(name): configuration \(path) is NOT ok: \(error.description)")
            return 1
        }
        print("\(name): configuration \(path) is ok")
        var failed = false

        switch probe(store) {
        case nil: print("\(name): store \(storeName(config)) is ok (a probe record was written, read back and removed)")
        case let problem?:
            print("\(name): store \(storeName(config)) is NOT ok: \(problem)")
            failed = true
        }
        switch limiterProblem(config) {
        case nil: print("\(name): API budget \(config.limits.apiBudget.map(String.init(describing:)) ?? "off") per API, shared by \(config.redis == nil ? "this machine's handler processes" : "every node on this Redis")")
        case let problem?:
            print("\(name): API budget is NOT ok: \(problem)")
            failed = true
        }
        if let key = config.linkKey {
            print("\(name): signed links are \(config.requireSignedLink ? "required" : "accepted") (link_key of \(key.utf8.count) bytes)")
        }
        if let warning = endpointWarning(config) { print("\(name): warning: \(warning)") }
        if let webhooks = config.webhooks {
            switch outboxSummary(store) {
            case .success(let summary):
                print("\(name): webhooks go to \(webhooks.url) (webhook_key of \(webhooks.key.utf8.count) bytes); \(summary)")
            case .failure(let error):
                print("\(name): webhook outbox is NOT ok: \(error) — check that the handlers' user owns the store")
                failed = true
            }
        }
        if online {
            switch onlineCheck(config) {
            case nil: print("\(name): API \(config.endpoint.url) accepted a signed call with SecretId \(config.credentials.secretId.prefix(8))…")
            case let problem?:
                print("\(name): API \(config.endpoint.url) is NOT ok: \(problem)")
                failed = true
            }
        }
        print(failed ? "\(name): configuration check failed" : "\(name): configuration check is successful")
        return failed ? 1 : 0
    }

    /// A warning, not a failure: the demo and the tests rightly point the handlers at the sandbox.
    static func endpointWarning(_ config: HandlerConfig) -> String? {
        guard !config.endpoint.isOfficial else { return nil }
        return "endpoint \(config.endpoint.host) is not a Tencent Cloud API host (*.\(FaceIDEndpoint.officialDomain)); "
            + "every call sends it a request signed with secret_id \(config.credentials.secretId.prefix(8))…, so use it only for a "
            + "sandbox or a proxy you control (Tencent's eKYC hosts: faceid.intl.tencentcloudapi.com, faceid.tencentcloudapi.com)"
    }

    static func storeName(_ config: HandlerConfig) -> String {
        config.redis?.redacted ?? "file:\(config.storeDirectory)"
    }

    /// Writes, reads back and removes a claim under a random name; nil when all three worked.
    /// A claim, not a made-up verification: nothing that walks the store takes it for one.
    static func probe(_ store: any TokenStore) -> String? {
        let name: String
        do { name = Claim.namePrefix + "PROBE" + Hex.encode(try SecureRandom.bytes(12)).uppercased() } catch { return error.description }
        let now = WallClock.seconds()
        let claim = Claim(name: name, created: now, keepUntil: now.saturatingAdd(60), sessionHash: nil)
        do {
            try store.save(claim)
            guard try store.claim(named: name) == claim else { return "the probe record read back differs from what was written" }
            try store.remove(token: name)
            guard try store.load(token: name) == nil else { return "the probe record is still there after removing it" }
            // A shard directory the probe created must not stay behind owned by whoever ran the
            // check (root, say), or the service user could not write tokens that hash into it.
            if let files = store as? FileTokenStore { rmdir(files.path(for: name).shard) }
            return nil
        } catch {
            try? store.remove(token: name)
            return "\(error.description) — check that the handlers' user owns the directory and the disk has room"
        }
    }

    /// How many events wait, and how many of them were given up (they need an operator).
    static func outboxSummary(_ outbox: any DeliveryQueue) -> Result<String, StoreError> {
        do {
            let waiting = try outbox.undelivered(limit: EventsCommand.listLimit)
            let givenUp = waiting.filter { $0.givenUpAt != nil }.count
            var text = "\(waiting.count) event(s) not delivered"
            if givenUp > 0 { text += ", \(givenUp) given up (ekyc-start events)" }
            return .success(text)
        } catch {
            return .failure(error)
        }
    }

    /// The file store's limiter table, when it exists, must be the handlers' to write (the
    /// check does not create it: whoever runs the check may not be the handlers' user).
    static func limiterProblem(_ config: HandlerConfig) -> String? {
        guard config.redis == nil else { return nil }
        let path = "\(config.storeDirectory)/\(FileRateLimiter.fileName)"
        guard access(path, F_OK) == 0, access(path, R_OK | W_OK) != 0 else { return nil }
        return "\(path): \(String(cString: strerror(errno))) — it must belong to the handlers' user (chown it, or remove it and let the handlers create it)"
    }

    /// One `GetWebVerificationResultIntl` for a token that cannot exist: Tencent answers
    /// `BizTokenIllegal` once the signature is accepted, so nothing is created or billed.
    static let probeAnswer = "InvalidParameterValue.BizTokenIllegal"

    static func onlineCheck(_ config: HandlerConfig) -> String? {
        do {
            let client = try FaceIDClient(credentials: config.credentials, endpoint: config.endpoint, options: config.http)
            _ = try client.getResult(bizToken: "00000000-0000-4000-8000-000000000000")
            return nil
        } catch let error as FaceIDError {
            switch error {
            // Only the complaint the probe token must draw shows the call was signed and read;
            // any other InvalidParameter* (a bad region, say) is a real problem.
            case .api(let code, _, _) where code == probeAnswer:
                return nil
            case .api(let code, let message, _) where code.hasPrefix("AuthFailure"):
                return "\(code): \(message) — check secret_id/secret_key and that this machine's clock is right (`ekyc-start sign` shows each signing stage)"
            case .transport(let transport) where transport.kind == .tls:
                return "\(transport.message) — check ca_file (only for a private endpoint) and the system CA store"
            default:
                return error.description
            }
        } catch {
            return "\(error)"
        }
    }
}
