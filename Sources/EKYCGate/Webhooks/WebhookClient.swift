public import HTTPClient

/// The deliverer's sender in the processes: one libcurl handle (`HTTPClient`), kept alive to
/// the receiver between events, with `webhook_timeout` for the whole attempt. Certificates are
/// verified against the system's store; redirects are not followed.
public final class WebhookClient {
    private let client: HTTPClient

    public init(_ webhooks: Webhooks) throws(HTTPClientError) {
        client = try HTTPClient(options: HTTPClientOptions(
            connectTimeoutMilliseconds: min(webhooks.timeoutMilliseconds, 5_000),
            totalTimeoutMilliseconds: webhooks.timeoutMilliseconds,
            userAgent: "ekyc-gate/\(HandlerMain.version) webhooks"))
    }

    public func send(_ request: WebhookRequest) -> WebhookOutcome {
        do {
            let answer = try client.post(url: request.url, headers: request.headers.map { ($0.name, $0.value) }, body: request.body)
            return .answered(status: answer.status, body: answer.body)
        } catch {
            return .noAnswer(error.message)
        }
    }
}

extension Deliverer {
    /// The name of the lease a deliverer holds while it sends.
    public static let leaseName = "deliver"

    /// What a process needs to deliver (`ekyc-start deliver`, the reconciler's loop): a
    /// deliverer on the configured store with the libcurl sender, and the `deliver` lease, to
    /// hold while calling `deliverDue` (`acquire` each round, `renew` in `proceed`). Its TTL
    /// outlasts three attempts, so a holder busy with a slow receiver keeps it.
    public static func live(_ webhooks: Webhooks, stores: TokenStores) throws(HTTPClientError) -> (Deliverer, any Lease) {
        let client = try WebhookClient(webhooks)
        let store = stores.make()
        let deliverer = Deliverer(config: webhooks, outbox: store, store: store, send: client.send)
        return (deliverer, stores.lease(leaseName, ttlMilliseconds: Int64(max(30_000, 3 * webhooks.timeoutMilliseconds))))
    }
}
