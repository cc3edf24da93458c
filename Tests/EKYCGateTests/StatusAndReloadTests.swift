import Foundation
import Testing
import FastCGI
import EKYCGate

@Suite struct StatusPageTests {
    func page(_ allowed: [String] = ["127.0.0.1", "10.0.0.0/8"]) -> (StatusPage, Metrics) {
        let metrics = Metrics(role: "ekyc-callback", workers: 4, startedAt: 1_000)
        return (StatusPage(allowed: allowed.compactMap(AddressPattern.init), metrics: metrics, storeRecords: { 7 }), metrics)
    }

    func request(_ query: String = "", from address: String = "127.0.0.1") -> HTTPRequest {
        HTTPRequest(params: ["REQUEST_METHOD": "GET", "DOCUMENT_URI": "/ekyc/status", "QUERY_STRING": query, "REMOTE_ADDR": address])
    }

    @Test func onlyAllowedAddresses() {
        let (status, _) = page()
        #expect(status.handle(request(from: "127.0.0.1")).status == 200)
        #expect(status.handle(request(from: "10.1.2.3")).status == 200)
        #expect(status.handle(request(from: "192.168.1.1")).status == 403)
        #expect(status.handle(request(from: "")).status == 403)
    }

    @Test func countsAndPercentilesInEveryFormat() throws {
        let (status, metrics) = page()
        metrics.requestStarted()
        metrics.requestStarted()
        metrics.requestFinished(HTTPResponse(status: 200))
        metrics.requestFinished(Answers.error(404, code: "unknown_token", message: "x"))
        for ms in 1...100 { metrics.upstreamCall(action: "GetWebVerificationResultIntl", milliseconds: Double(ms), failure: ms == 100 ? "transport.timeout" : nil) }

        let text = String(decoding: status.handle(request()).body, as: UTF8.self)
        #expect(text.contains("busy workers:       0") && text.contains("requests:           2"))
        #expect(text.contains("upstream GetWebVerificationResultIntl: calls 100, p50 50.0 ms, p90 90.0 ms, p99 99.0 ms"))
        #expect(text.contains("store records:      7"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.handle(request("json")).body)) as? [String: Any])
        #expect(json["idleWorkers"] as? Int == 4)
        #expect((json["byError"] as? [String: Int])?["unknown_token"] == 1)

        let prometheus = status.handle(request("prometheus"))
        let metricsText = String(decoding: prometheus.body, as: UTF8.self)
        #expect(prometheus.headers.contains { $0.value.hasPrefix("text/plain; version=0.0.4") })
        #expect(metricsText.contains(#"ekyc_requests_total{role="ekyc-callback",status="404"} 1"#))
        #expect(metricsText.contains(#"ekyc_upstream_failures_total{role="ekyc-callback",action="GetWebVerificationResultIntl",failure="transport.timeout"} 1"#))
        #expect(metricsText.contains(#"quantile="0.99"} 99.0"#))
    }

    @Test func addressPatterns() {
        #expect(AddressPattern("10.0.0.0/8")?.matches("10.255.0.1") == true)
        #expect(AddressPattern("10.0.0.0/8")?.matches("11.0.0.1") == false)
        #expect(AddressPattern("::1")?.matches("::1") == true)
        #expect(AddressPattern("nonsense") == nil)
        #expect(AddressPattern("10.0.0.0/33") == nil)
    }
}

/// SIGHUP's work, without the signal: a valid file becomes the next generation, an invalid one
/// leaves the running configuration in place.
@Suite struct ReloadTests {
    let directory = NSTemporaryDirectory() + "ekyc-reload-" + UUID().uuidString

    func write(_ text: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/ekyc.conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func config(redirect: String) -> String {
        "secret_id = AKIDx\nsecret_key = k\nstore = file:\(directory)/tokens\nstore_create = true\nredirect_url = \(redirect)\n"
    }

    @Test func reloadSwapsInAValidConfiguration() throws {
        let path = try write(config(redirect: "https://shop.example.com/a"))
        let runtime = try HandlerRuntime(role: .callback, configPath: path, environment: [:], workers: 2)
        #expect(runtime.generation.number == 1)
        _ = try write(config(redirect: "https://shop.example.com/b"))
        runtime.reload()
        #expect(runtime.generation.number == 2)
        #expect(runtime.generation.config.redirectURL == "https://shop.example.com/b")
    }

    @Test func invalidFileKeepsTheRunningConfiguration() throws {
        let path = try write(config(redirect: "https://shop.example.com/a"))
        let runtime = try HandlerRuntime(role: .start, configPath: path, environment: [:], workers: 2)
        _ = try write(config(redirect: "not a url"))
        runtime.reload()
        #expect(runtime.generation.number == 1)
        #expect(runtime.generation.config.redirectURL == "https://shop.example.com/a")
    }

    @Test func statusPageIsOffByDefault() throws {
        let path = try write(config(redirect: "https://shop.example.com/a"))
        let runtime = try HandlerRuntime(role: .callback, configPath: path, environment: [:], workers: 1)
        #expect(runtime.generation.config.status == nil)
        let handler = runtime.makeHandler()
        let answer = handler(HTTPRequest(params: ["REQUEST_METHOD": "GET", "DOCUMENT_URI": "/ekyc/status", "REMOTE_ADDR": "127.0.0.1"]))
        #expect(answer.status == 400, "without status = on, /ekyc/status is just a callback without a token")
    }
}
