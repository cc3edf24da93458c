import Foundation
import Synchronization
import Testing
import FastCGI
@testable import EKYCGate

@Suite struct RateAndGCRATests {
    @Test func ratesParseAndPrint() {
        #expect(Rate(parsing: "15/s") == .perSecond(15))
        #expect(Rate(parsing: "3/10m") == Rate(count: 3, periodMilliseconds: 600_000))
        #expect(Rate(parsing: "120/h")?.description == "120/h")
        #expect(Rate(parsing: "3/10m")?.description == "3/10m")
        for bad in ["", "15", "/s", "0/s", "x/s", "15/", "15/10y", "15/s/s", "-1/s", "9999999999/s"] {
            #expect(Rate(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func aBurstThenTheSteadyRate() {
        let rate = Rate(parsing: "3/s")!
        var tat: Int64?
        var allowed: [Bool] = []
        for now in [0, 0, 0, 0, 333, 334, 700] as [Int64] {
            let (decision, next) = GCRA.decide(storedTAT: tat, now: now, rate: rate)
            if let next { tat = next }
            allowed.append(decision.allowed)
        }
        #expect(allowed == [true, true, true, false, true, false, true])
    }

    @Test func refusalsSayHowLongToWait() {
        let rate = Rate(parsing: "1/10s")!
        let first = GCRA.decide(storedTAT: nil, now: 1_000, rate: rate)
        let second = GCRA.decide(storedTAT: first.newTAT, now: 4_000, rate: rate)
        #expect(!second.decision.allowed && second.decision.retryAfterMilliseconds == 7_000)
        #expect(second.decision.retryAfterSeconds == 7)
    }

    @Test func extremeTimesSaturateInsteadOfTrapping() {
        let rate = Rate(count: 1_000_000, periodMilliseconds: 7 * 86_400_000)
        _ = GCRA.decide(storedTAT: .max, now: .max, rate: rate)
        _ = GCRA.decide(storedTAT: .min, now: .min, rate: rate)
        #expect(Int64.max.saturatingAdd(60) == .max)
        #expect(Int64.min.saturatingSubtract(1) == .min)
        #expect(Int64.max.saturatingMultiply(-2) == .min)
        #expect(ConfigDuration.seconds("10m") == 600 && ConfigDuration.seconds("1d") == 86_400 && ConfigDuration.seconds("m") == nil)
    }
}

@Suite struct FileRateLimiterTests {
    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "ekyc-limits-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Two limiters on one directory stand for two processes (each its own open file, so
    /// `flock` excludes them from each other): they count against the same numbers.
    @Test func processesShareTheCounts() throws {
        let path = try directory()
        let one = FileRateLimiter(directory: path), two = FileRateLimiter(directory: path)
        let rate = Rate(parsing: "4/s")!
        var allowed = 0
        for index in 0..<10 where try (index % 2 == 0 ? one : two).take("api:Apply", rate: rate, now: 5_000).allowed { allowed += 1 }
        #expect(allowed == 4)
        #expect(try one.take("another key", rate: rate, now: 5_000).allowed)
    }

    @Test func threadsOfOneProcessShareThemToo() throws {
        let limiter = FileRateLimiter(directory: try directory())
        let rate = Rate(parsing: "50/m")!
        let allowed = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 400) { _ in
            if (try? limiter.take("one key", rate: rate, now: 1_000))?.allowed == true { allowed.withLock { $0 += 1 } }
        }
        #expect(allowed.withLock { $0 } == 50)
    }

    @Test func manyKeysNeverFailAndAKeyKeepsItsCount() throws {
        let limiter = FileRateLimiter(directory: try directory())
        let rate = Rate(parsing: "1/h")!
        #expect(try limiter.take("kept", rate: rate, now: 0).allowed)
        for index in 0..<2_000 { _ = try limiter.take("key-\(index)", rate: rate, now: 0) }
        #expect(try !limiter.take("kept", rate: rate, now: 1).allowed)
    }
}

@Suite struct ClientAddressTests {
    func request(_ remote: String, forwarded: String? = nil) -> HTTPRequest {
        var params = ["REMOTE_ADDR": remote]
        params["HTTP_X_FORWARDED_FOR"] = forwarded
        return HTTPRequest(params: params)
    }

    @Test func forwardedOnlyFromTrustedProxies() {
        let proxies = [AddressPattern("10.0.0.0/8")!]
        #expect(ClientAddress.of(request("203.0.113.9", forwarded: "1.2.3.4"), trustedProxies: proxies) == "203.0.113.9")
        #expect(ClientAddress.of(request("10.0.0.2", forwarded: "1.2.3.4"), trustedProxies: []) == "10.0.0.2")
        #expect(ClientAddress.of(request("10.0.0.2", forwarded: "1.2.3.4"), trustedProxies: proxies) == "1.2.3.4")
        // The client wrote the left part; the proxies appended the right part.
        #expect(ClientAddress.of(request("10.0.0.2", forwarded: "6.6.6.6, 1.2.3.4, 10.0.0.7"), trustedProxies: proxies) == "1.2.3.4")
    }

    @Test func anIPv6HostIsCountedByItsSlash64() {
        #expect(ClientAddress.of(request("2001:db8:1:2:aaaa::1"), trustedProxies: []) == "2001:db8:1:2::/64")
        #expect(ClientAddress.of(request("2001:db8:1:2:bbbb:cccc:dddd:eeee"), trustedProxies: []) == "2001:db8:1:2::/64")
        #expect(ClientAddress.of(request("::1"), trustedProxies: []) == "0:0:0:0::/64")
    }
}

/// The quota as `ekyc-start` spends it: shares, budget, resume, cross-site refusals.
@Suite struct StartQuotaTests {
    let api = FakeFaceID()
    let store = MemoryTokenStore()
    let limiter = MemoryRateLimiter()
    let now: Int64 = 1_773_563_400

    func handler(_ settings: [String: String] = [:]) throws -> StartHandler {
        StartHandler(config: try Fixtures.config(["allow_unsigned_extra": "true"].merging(settings) { $1 }), api: api, store: store,
                     limiter: limiter, clock: { self.now }, milliseconds: { 1_773_563_400_000 })
    }

    func get(_ query: String = "", remote: String = "203.0.113.1", cookie: String? = nil, headers: [String: String] = [:]) -> HTTPRequest {
        var request = Fixtures.get("/ekyc/start", query: query, cookie: cookie)
        request.params["REMOTE_ADDR"] = remote
        for (name, value) in headers { request.params[name] = value }
        return request
    }

    func cookies(_ response: HTTPResponse) -> String {
        response.headers.filter { $0.name == "Set-Cookie" }.map { String($0.value.split(separator: ";")[0]) }.joined(separator: "; ")
    }

    func code(_ response: HTTPResponse) -> String? { (Fixtures.json(response)["error"] as? [String: Any])?["code"] as? String }

    @Test func theBrowserThatStartsAgainGoesBackToItsPendingVerification() throws {
        let first = try handler().handle(get())
        #expect(first.status == 303)
        for _ in 0..<5 {
            let again = try handler().handle(get(cookie: cookies(first)))
            #expect(again.status == 303 && Fixtures.header(again, "Location") == Fixtures.header(first, "Location"))
        }
        #expect(api.applied.count == 1)
        // Another ref is another verification; so is a pending one past Tencent's start window.
        #expect(try handler().handle(get("extra=other", cookie: cookies(first))).status == 303)
        #expect(api.applied.count == 2)
    }

    @Test func aCookieOfAnotherSessionResumesNothing() throws {
        let first = try handler().handle(get())
        let stolenToken = cookies(first).split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("ekyc_session_token=") }!
        #expect(try handler().handle(get(cookie: stolenToken)).status == 303)
        #expect(api.applied.count == 2, "the token is bound to the first session, not to whoever names it")
    }

    @Test func anAddressGetsItsShareAndNoMore() throws {
        let handler = try handler(["limit_start_per_address": "3/10m", "api_budget": "off"])
        for _ in 0..<3 { #expect(handler.handle(get()).status == 303) }
        let refused = handler.handle(get())
        #expect(refused.status == 429 && code(refused) == "rate_limited")
        #expect(Int(Fixtures.header(refused, "Retry-After") ?? "") ?? 0 > 0)
        #expect(handler.handle(get(remote: "203.0.113.2")).status == 303, "another client is not affected")
        #expect(api.applied.count == 4)
    }

    @Test func theBudgetBoundsEveryoneTogether() throws {
        let handler = try handler(["api_budget": "5/s", "limit_start_per_address": "off"])
        var statuses: [Int] = []
        for index in 0..<8 { statuses.append(handler.handle(get(remote: "198.51.100.\(index)")).status) }
        #expect(statuses == [303, 303, 303, 303, 303, 429, 429, 429])
        #expect(api.applied.count == 5)
        let refused = handler.handle(get(remote: "198.51.100.99"))
        #expect(code(refused) == "api_budget" && Fixtures.header(refused, "Retry-After") == "1")
    }

    @Test(arguments: [
        ["HTTP_SEC_FETCH_DEST": "image", "HTTP_SEC_FETCH_SITE": "cross-site"],
        ["HTTP_SEC_FETCH_DEST": "script", "HTTP_SEC_FETCH_SITE": "same-origin"],
        ["HTTP_SEC_FETCH_DEST": "iframe", "HTTP_SEC_FETCH_SITE": "cross-site"],
        ["HTTP_SEC_FETCH_DEST": "empty", "HTTP_SEC_FETCH_SITE": "cross-site"],
    ])
    func subresourcesAndCrossSiteScriptsStartNothing(headers: [String: String]) throws {
        let response = try handler().handle(get(headers: headers))
        #expect(response.status == 403 && code(response) == "cross_site")
        #expect(api.applied.isEmpty)
    }

    @Test func aLinkFollowedFromAnywhereStillStarts() throws {
        for site in ["cross-site", "none", "same-origin"] {
            let response = try handler().handle(get(headers: ["HTTP_SEC_FETCH_DEST": "document", "HTTP_SEC_FETCH_SITE": site]))
            #expect(response.status == 303, "\(site)")
        }
    }

    @Test func postsFromAnotherOriginAreRefused() throws {
        func post(_ headers: [String: String]) throws -> HTTPResponse {
            var request = Fixtures.post("/ekyc/start", contentType: "application/x-www-form-urlencoded", body: Array("extra=a".utf8))
            request.params["HTTP_HOST"] = "shop.example.com"
            for (name, value) in headers { request.params[name] = value }
            return try handler().handle(request)
        }
        #expect(try post(["HTTP_ORIGIN": "https://evil.example"]).status == 403)
        #expect(try post(["HTTP_ORIGIN": "null"]).status == 403)
        #expect(try post(["HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_SEC_FETCH_DEST": "document"]).status == 403)
        #expect(try post(["HTTP_ORIGIN": "https://shop.example.com"]).status == 303)
        #expect(try post([:]).status == 303, "a backend sends no Origin")
    }

    @Test func extraIsBoundedInBytesToo() throws {
        let oneGrapheme = "e" + String(repeating: "\u{301}", count: 3_000)
        let response = try handler().handle(get("extra=" + FormEncoding.encode(oneGrapheme)))
        #expect(response.status == 400 && code(response) == "extra_too_long")
    }
}

/// The quota as `ekyc-callback` spends it: one API call per token per recheck interval.
@Suite struct CallbackQuotaTests {
    let api = FakeFaceID()
    let store = MemoryTokenStore()
    let limiter = MemoryRateLimiter()
    let session = Fixtures.session(0xcd)
    let clock = ManualClock(1_000_000)

    init() throws {
        try store.save(TokenRecord(token: Fixtures.token, created: 1_000, sessionHash: SessionID.hash(session), extra: nil))
    }

    func poll(_ settings: [String: String] = [:]) throws -> HTTPResponse {
        let clock = clock
        var request = Fixtures.get("/ekyc/callback", query: "token=\(Fixtures.token)", cookie: "ekyc_session=\(session)")
        request.params["REMOTE_ADDR"] = "203.0.113.1"
        return CallbackHandler(config: try Fixtures.config(settings), api: api, store: store, pendingAnswers: BoundedCache(),
                               limiter: limiter, clock: { 2_000 }, milliseconds: { clock.now }).handle(request)
    }

    @Test func pollingAPendingTokenAsksTheAPIOncePerRecheck() throws {
        for _ in 0..<20 {
            let answer = try poll()
            #expect(answer.status == 202)
            #expect(Int(Fixtures.header(answer, "Retry-After") ?? "") ?? 0 >= 1)
        }
        #expect(api.resultCalls == 1)
        clock.advance(3_000)
        _ = try poll()
        #expect(api.resultCalls == 2)
    }

    @Test func readsCountAgainstTheSessionsShare() throws {
        var statuses: [Int] = []
        for _ in 0..<4 {
            statuses.append(try poll(["pending_recheck": "1s", "limit_read_per_session": "2/m"]).status)
            clock.advance(1_000)
        }
        #expect(statuses == [202, 202, 429, 429])
        #expect(api.resultCalls == 2)
    }
}

/// Milliseconds that move only when a test moves them.
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func advance(_ milliseconds: Int64) { value.withLock { $0 += milliseconds } }
}
