import FastCGI

/// What `ekyc-start deliver` and `ekyc-start events` both start from: their options parsed,
/// `--help` answered, and the configuration loaded with webhooks on.
struct WebhookCommandLine {
    var arguments: Arguments
    var path: String
    var config: HandlerConfig
    var stores: TokenStores
    var webhooks: Webhooks

    enum Start {
        case ready(WebhookCommandLine)
        /// Done before any work (`--help`, or a mistake already reported): the exit status.
        case exit(Int32)
    }

    static func start(_ command: String, _ raw: [String], options: [Arguments.Option], help: String,
                      environment: [String: String]) -> Start {
        let arguments: Arguments
        do { arguments = try Arguments(raw, options: options) } catch { return .exit(fail(command, error.description)) }
        if arguments.has("help") { print(help); return .exit(0) }
        guard arguments.positional.isEmpty else {
            return .exit(fail(command, "unexpected argument '\(arguments.positional[0])'; see \(command) --help"))
        }
        let path = HandlerMain.configPath(arguments, environment)
        let config: HandlerConfig, stores: TokenStores
        do { (config, stores) = try HandlerRuntime.load(path: path, environment: environment) } catch {
            return .exit(fail(command, error.description))
        }
        guard let webhooks = config.webhooks else {
            return .exit(fail(command, "\(path) sets no webhook_url, so there are no webhook events; see docs/CONFIGURATION.md, \"Webhooks\""))
        }
        return .ready(WebhookCommandLine(arguments: arguments, path: path, config: config, stores: stores, webhooks: webhooks))
    }

    /// Logs `message` as the command's and returns the exit status of a failure.
    static func fail(_ command: String, _ message: String) -> Int32 {
        RequestLog.write("ekyc-start \(command): \(message)")
        return 1
    }
}
