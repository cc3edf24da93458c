public import FastCGI

/// `--listen`, `--socket-mode`, `--socket-owner` and `--workers`: how a FastCGI program of this
/// project is told where and how to serve. One parser for the handlers and the sandbox.
public enum ServeArguments {
    public static let options: [Arguments.Option] = [
        .init("listen"), .init("socket-mode"), .init("socket-owner"), .init("workers"),
    ]

    /// `defaults` with what the command line sets; `--workers` is checked against `workers`.
    public static func serveOptions(_ arguments: Arguments, defaults: ServeOptions,
                                    workers allowed: ClosedRange<Int>) throws(ConfigError) -> ServeOptions {
        var options = defaults
        if let listen = arguments["listen"] {
            do { options.listen = try ListenAddress(parsing: listen) } catch { throw ConfigError(error.description) }
        }
        if let mode = arguments["socket-mode"] {
            guard let value = UInt32(mode, radix: 8), value <= 0o777 else {
                throw ConfigError("--socket-mode takes an octal mode such as 0660, got '\(mode)'")
            }
            options.socketMode = value
        }
        if let owner = arguments["socket-owner"] {
            do { options.socketOwner = try SocketOwner(parsing: owner) } catch { throw ConfigError(error.description) }
        }
        if let workers = arguments["workers"] {
            guard let value = Int(workers), allowed.contains(value) else {
                throw ConfigError("--workers takes a number from \(allowed.lowerBound) to \(allowed.upperBound), got '\(workers)'")
            }
            options.workers = value
        }
        return options
    }
}
