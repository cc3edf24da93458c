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
