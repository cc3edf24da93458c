#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import FastCGI

/// Routes one request: `POST /` is the API, `GET /reflect/` the page, `POST /reflect/finish`
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
        case ("POST", "/"):
            return applyingFault(to: request, now: now)
        case ("GET", "/reflect/"), ("GET", "/reflect"), ("HEAD", "/reflect/"), ("HEAD", "/reflect"):
            return page.show(request, now: now)
        case ("POST", "/reflect/finish"):
            return page.finish(request, now: now)
        default:
            return HTTPResponse(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8")], text: "Not found\n")
        }
    }

    /// The fault for this request: the header when allowed and valid, else the configured one.
    public func fault(for request: HTTPRequest) -> Fault? {
        if faultHeader, let text = request.header(Fault.headerName), let parsed = Fault(parsing: text) { return parsed }
        return fault
    }

    /// For the server: waits out a latency fault, then answers with the real clock.
    public func serve(_ request: HTTPRequest) -> HTTPResponse {
        if request.method == "POST", request.path == "/", case .latency(let ms)? = fault(for: request), ms > 0 {
            usleep(useconds_t(ms) * 1_000)
        }
        return handle(request, now: Date().timeIntervalSince1970)
    }

    private func applyingFault(to request: HTTPRequest, now: Double) -> HTTPResponse {
        let requestId = UUID().uuidString.lowercased()
        let action = request.header("X-TC-Action") ?? ""
        let fault = fault(for: request)
        var tag: [(key: String, value: String)] = []
        if let fault { tag = [("fault", fault.description)] }
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
        case .truncate?:
            response = api.handle(request, now: now)
            let full = response.body.count
            response.body = Array(response.body.prefix(full / 2))
            response.headers.append(("Content-Length", String(full)))
        case .latency?, nil:
            response = api.handle(request, now: now)
        }
        response.logFields += tag
        return response
    }
}
