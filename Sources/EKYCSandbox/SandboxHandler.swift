#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import FastCGI
import EKYCGate

/// Routes one request: `POST /` and `GET /` are the API, `GET /reflect/` the page, `POST /reflect/finish`
/// its end; anything else is 404. Faults are applied here, around the pure API.
public struct SandboxHandler: Sendable {
    public var api: SandboxAPI
    public var page: SandboxPage
    /// Applied to every API request (config `fault`).
    public var fault: Fault?
    /// Whether the `X-Sandbox-Fault` request header is honoured (config `fault_header`).
    public var faultHeader: Bool

    public init(api: SandboxAPI, page: SandboxPage, fault: Fault? = nil, faultHeader: Bool = true) {
        self.api = api
        self.page = page
        self.fault = fault
        self.faultHeader = faultHeader
    }

    /// The pure core: no clock, no sleeping. A latency fault is the caller's to apply
    /// (see `serve`).
    public func handle(_ request: HTTPRequest, now: Double) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("POST", "/"), ("GET", "/"):
            return applyingFault(to: request, now: now)
        case ("GET", "/reflect/"), ("GET", "/reflect"), ("HEAD", "/reflect/"), ("HEAD", "/reflect"):
            return page.show(request, now: now)
        case ("POST", "/reflect/finish"):
            return page.finish(request, now: now)
        case ("POST", "/sandbox/age") where faultHeader:
            return age(request)
        default:
            return HTTPResponse(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8")], text: "Not found\n")
        }
    }

    /// Time travel for tests (enabled with the test features, `fault_header`): moves a flow
    /// `seconds` into the past, so the 10-minute start window and the 3-day retention can be
    /// tested without waiting. Form fields `token` and `seconds`.
    func age(_ request: HTTPRequest) -> HTTPResponse {
        let form = FormFields(String(decoding: request.body, as: UTF8.self))
        guard let token = form["token"], let seconds = form["seconds"].flatMap({ Int64($0) }), seconds >= 0 else {
            return HTTPResponse(status: 400, headers: [("Content-Type", "text/plain; charset=utf-8")],
                                text: "give token=BIZTOKEN&seconds=N (N >= 0)\n")
        }
        let found: Bool = api.store.update(token) { record in
            guard record != nil else { return false }
            record?.age(by: seconds)
            return true
        }
        return found
            ? HTTPResponse(status: 204)
            : HTTPResponse(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8")], text: "unknown token\n")
    }

    /// The fault for this request: the header when allowed and valid, else one named in the
    /// flow's `Extra`, else the configured one.
    public func fault(for request: HTTPRequest) -> Fault? {
        if faultHeader, let text = request.header(Fault.headerName), let parsed = Fault(parsing: text) { return parsed }
        if faultHeader, let marked = extraFault(for: request) { return marked }
        return fault
    }

    /// A merchant's handlers send no sandbox headers, so an end-to-end test chooses a fault
    /// through what it does control, the flow's `Extra`: `sandbox-fault:apply:ratelimit` makes
    /// the Apply fail; `sandbox-fault:get:nonjson` lets Apply succeed and every Get of that
    /// token fail.
    func extraFault(for request: HTTPRequest) -> Fault? {
        guard let body = JSONValue.parse(request.body) else { return nil }
        let action: String
        let extra: String?
        switch request.header("X-TC-Action") {
        case "ApplyWebVerificationBizTokenIntl"?:
            action = "apply"
            if case .string(let text)? = body["Extra"] { extra = text } else { extra = nil }
        case "GetWebVerificationResultIntl"?:
            action = "get"
            guard case .string(let token)? = body["BizToken"] else { return nil }
            extra = api.store.record(token)?.extra
        default:
            return nil
        }
        let prefix = "\(Fault.extraMarker)\(action):"
        guard let extra, extra.hasPrefix(prefix) else { return nil }
        return Fault(parsing: String(extra.dropFirst(prefix.count)))
    }

    /// For the server: waits out a latency fault, then answers with the real clock.
    public func serve(_ request: HTTPRequest) -> HTTPResponse {
        if request.method == "POST", request.path == "/", case .latency(let ms)? = fault(for: request), ms > 0 {
            // Logged as it begins, so a test can tell that a request is being held.
            LogLine(event: "latency_fault", ("ms", "\(ms)"), ("req", request.id)).write()
            usleep(useconds_t(ms) * 1_000)
        }
        return handle(request, now: Date().timeIntervalSince1970)
    }

    private func applyingFault(to request: HTTPRequest, now: Double) -> HTTPResponse {
        let requestId = UUID().uuidString.lowercased()
        let action = request.header("X-TC-Action") ?? ""
        let fault = fault(for: request)
        var tag: [LogField] = []
        if let fault { tag = [LogField("fault", fault.description)] }
        var response: HTTPResponse
        switch fault {
        case .http500?:
            response = HTTPResponse(status: 500, headers: [("Content-Type", "text/plain")], text: "sandbox fault: internal server error\n")
        case .nonJSON?:
            response = HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], text: "<html><body>502 Bad Gateway</body></html>\n")
        case .rateLimit?:
            response = SandboxAPI.errorResponse(.requestLimitExceeded, requestId: requestId, action: action)
        case .internalError?:
            response = SandboxAPI.errorResponse(APIError("InternalError", "An internal error has occurred (sandbox fault). Retry your request."),
                                                requestId: requestId, action: action)
        case .reset?:
            response = HTTPResponse(status: 200, headers: [("X-Accel-Redirect", Fault.resetLocation)])
        case .truncate?:
            response = api.handle(request, now: now)
            let full = response.body.count
            response.body = Array(response.body.prefix(full / 2))
            response.headers.append(("Content-Length", String(full)))
        case .verificationURL(let url)?:
            response = api.handle(request, now: now, verificationURL: url)
        case .latency?, nil:
            response = api.handle(request, now: now)
        }
        response.logFields += tag
        return response
    }
}
