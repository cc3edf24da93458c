import Foundation
import Testing
import EKYCGate

@Suite struct WebhookConfigTests {
    static let key = WebhookSignatureTests.key

    func config(_ values: [String: String]) throws(ConfigError) -> HandlerConfig {
        var all = ["secret_id": "AKIDtest", "secret_key": "key", "redirect_url": "https://shop.example.com/ekyc/done",
                   "store": "file:/nonexistent"]
        all.merge(values) { $1 }
        // Parsed, then the files it names read (the loading step), then checked: as at start-up.
        let file = ConfigFile(path: "test.conf", values: all)
        return try HandlerConfig(file: file, environment: [:], files: try ReferencedFiles.load(for: file))
    }

    func refusal(_ values: [String: String]) -> String {
        do { _ = try config(values); return "accepted" } catch { return error.message }
    }

    @Test func offWithoutAURLAndOnWithDefaultsWithOne() throws {
        #expect(try config([:]).webhooks == nil)
        let on = try #require(try config(["webhook_url": "https://shop.example.com/ekyc/webhook", "webhook_key": Self.key]).webhooks)
        #expect(on == Webhooks(url: "https://shop.example.com/ekyc/webhook", key: Self.key))
        #expect(on.timeoutMilliseconds == 10_000 && on.retryBaseSeconds == 30 && on.retryMaxSeconds == 3_600 && on.giveUpSeconds == 259_200)
    }

    @Test func theScheduleCanBeShortForTests() throws {
        let on = try #require(try config(["webhook_url": "http://127.0.0.1:9/hook", "webhook_key": Self.key, "webhook_timeout": "2s",
                                          "webhook_retry_base": "1s", "webhook_retry_max": "2s", "webhook_give_up": "2m"]).webhooks)
        #expect(on.timeoutMilliseconds == 2_000 && on.retryBaseSeconds == 1 && on.retryMaxSeconds == 2 && on.giveUpSeconds == 120)
    }

    /// Plain http would carry the results and their signatures in the clear: only to this machine.
    @Test func theURLIsHttpsOrLoopback() throws {
        for url in ["https://shop.example.com/hook", "http://127.0.0.1:8084/webhook", "http://localhost/hook"] {
            #expect(try config(["webhook_url": url, "webhook_key": Self.key]).webhooks?.url == url)
        }
        for url in ["http://shop.example.com/hook", "http://10.0.0.5/hook", "ftp://shop.example.com/", "https://user:pw@shop.example.com/",
                    "shop.example.com/hook", "https://shop.example.com/hook#frag", "http://127.0.0.1.example.com/"] {
            #expect(refusal(["webhook_url": url, "webhook_key": Self.key]).contains("webhook_url must be an https URL"), "\(url)")
        }
    }

    @Test func theKeyIsRequiredLongAndNotTheLinkKey() {
        let url = "https://shop.example.com/hook"
        #expect(refusal(["webhook_url": url]).contains("webhook_url needs webhook_key"))
        #expect(refusal(["webhook_url": url, "webhook_key": "short"]).contains("webhook_key is 5 bytes"))
        #expect(refusal(["webhook_url": url, "webhook_key": Self.key, "link_key": Self.key]).contains("must differ from link_key"))
    }

    @Test func scheduleKeysWithoutAURLAreAMistake() {
        #expect(refusal(["webhook_retry_base": "1s"]).contains("webhook_retry_base applies only with webhook_url"))
        let url = "https://shop.example.com/hook"
        #expect(refusal(["webhook_url": url, "webhook_key": Self.key, "webhook_retry_base": "10m", "webhook_retry_max": "1m"])
            .contains("must be at least webhook_retry_base"))
        #expect(refusal(["webhook_url": url, "webhook_key": Self.key, "webhook_give_up": "4d"]).contains("webhook_give_up"))
    }

    @Test func theKeyComesFromTheSecretFile() throws {
        let directory = NSTemporaryDirectory() + "ekyc-secret-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = directory + "/secret.conf"
        _ = FileManager.default.createFile(atPath: secret, contents: Data("secret_id = AKID\nsecret_key = k\nwebhook_key = \(Self.key)\n".utf8),
                                           attributes: [.posixPermissions: 0o600])
        let on = try #require(try config(["secret_file": secret, "webhook_url": "https://shop.example.com/hook"]).webhooks)
        #expect(on.key == Self.key)
    }
}

/// The keys a user can set are the keys the docs and the installed config describe.
@Suite struct WebhookDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyWebhookKeyIsDocumentedAndInTheInstalledConfig() throws {
        let reference = try String(contentsOf: Self.root.appendingPathComponent("docs/CONFIGURATION.md"), encoding: .utf8)
        let installed = try String(contentsOf: Self.root.appendingPathComponent("packaging/ekyc.conf.in"), encoding: .utf8)
            + String(contentsOf: Self.root.appendingPathComponent("packaging/secret.conf.in"), encoding: .utf8)
        for key in Webhooks.configKeys {
            #expect(reference.contains("| `\(key)` |"), "\(key) in docs/CONFIGURATION.md")
            #expect(installed.contains("# \(key) ="), "\(key) commented in packaging/")
        }
    }
}
