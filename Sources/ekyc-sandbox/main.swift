#if canImport(Glibc)
import Glibc
#endif
import EKYCGate
import EKYCSandbox
import FastCGI

let version = "ekyc-sandbox 0.1.0"
let usage = """
Usage: ekyc-sandbox --config FILE [--listen unix:PATH|HOST:PORT [--allow-remote]] [--socket-mode 0666] [--socket-owner USER[:GROUP]] [--workers N]

Emulates Tencent Cloud eKYC (mobile HTML5: ApplyWebVerificationBizTokenIntl and
GetWebVerificationResultIntl, API 2018-03-01, TC3-HMAC-SHA256) and its mobile page, for
development, demos and tests. Not a real verification.

Routes:  POST /                 the API (X-TC-Action, answers as Tencent's, always HTTP 200 JSON)
         GET  /reflect/?token=  the mobile page (VerificationURL)
         POST /reflect/finish   token=…&outcome=pass|liveness|mismatch|multiple-faces|timeout|user-exit
                                [&retry=yes]; answers 303 to RedirectURL?token=…

Options:
  --config FILE        config file (or env EKYC_SANDBOX_CONFIG)
  --listen ADDRESS     FastCGI socket: unix:/run/ekyc/sandbox.sock or 127.0.0.1:9003; without it
                       (and without a socket inherited on fd 0) one CGI request is answered
  --allow-remote       let --listen take an address other machines can reach; without it only
                       unix sockets, 127.0.0.0/8, ::1 and localhost are accepted, because the
                       sandbox passes any verification a caller asks it to
  --socket-mode MODE   octal mode of a unix socket, e.g. 0660
  --socket-owner U[:G] owner of a unix socket, e.g. root:www-data (needs the right to chown)
  --workers N          worker threads (default: config 'workers', else 4)
  --help, --version

Config keys (key = value; EKYC_SANDBOX_<KEY> in the environment overrides):
  page_url      required; base of VerificationURL, e.g. http://localhost:8081/reflect/
  secret_file   file with secret_id and secret_key (mode 600): the one key pair accepted
  secret_id, secret_key   instead of secret_file (or TENCENTCLOUD_SECRET_ID/_KEY)
  workers       1-256 (default 4)
  rate_limit    on|off (default on): 20 requests/s per action, then RequestLimitExceeded
  fault         none (default) or one of: latency=MS, http500, nonjson, truncate, ratelimit,
                internal, reset, verification_url=URL (Apply answers that VerificationURL);
                applied to every API answer
  fault_header  on|off (default on): honour the X-Sandbox-Fault request header (same values)

State is kept in memory: restarting the process forgets all tokens.
"""

func fail(_ message: String) -> Never {
    let bytes = Array("ekyc-sandbox: \(message)\n".utf8)
    bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func environment() -> [String: String] {
    var values: [String: String] = [:]
    var cursor = environ
    while let entry = cursor.pointee {
        let pair = String(cString: entry)
        if let eq = pair.firstIndex(of: "=") { values[String(pair[..<eq])] = String(pair[pair.index(after: eq)...]) }
        cursor += 1
    }
    return values
}

MallocPolicy.apply()
let env = environment()
let arguments: Arguments
do {
    arguments = try Arguments(Array(CommandLine.arguments.dropFirst()), options: ServeArguments.options + [
        .init("config"), .init("allow-remote", takesValue: false),
        .init("help", takesValue: false), .init("version", takesValue: false),
    ])
} catch { fail(error.message) }
if arguments.has("help") { print(usage); exit(0) }
if arguments.has("version") { print(version); exit(0) }
if let extra = arguments.positional.first { fail("unexpected argument '\(extra)'; see --help") }

let config: SandboxConfig
let options: ServeOptions
do throws(ConfigError) {
    guard let path = arguments["config"] ?? env["EKYC_SANDBOX_CONFIG"] else {
        throw ConfigError("no config file: pass --config FILE or set EKYC_SANDBOX_CONFIG; see --help")
    }
    var file = try ConfigFile.load(path: path)
    file.applyEnvironment(env, knownKeys: SandboxConfig.keys, prefix: "EKYC_SANDBOX_")
    config = try SandboxConfig(file, environment: env, files: try ReferencedFiles.load(for: file))
    // Room for an 8 MB base64 image plus the rest of the JSON.
    options = try ServeArguments.serveOptions(arguments, defaults: ServeOptions(workers: config.workers, maxBodyBytes: 10 << 20),
                                              workers: 1...256)
    if let listen = options.listen, !listen.isLoopback, !arguments.has("allow-remote") {
        throw ConfigError("--listen \(arguments["listen"] ?? "") can be reached from other machines, and the sandbox passes any verification a caller asks it to; listen on unix:PATH or 127.0.0.1:PORT behind nginx, or add --allow-remote if this address is really meant")
    }
    if options.listen == nil, arguments.has("allow-remote") {
        throw ConfigError("--allow-remote applies only to --listen HOST:PORT")
    }
} catch { fail(error.message) }

let handler = config.makeHandler()
do {
    try Serve.run(options) { { request in handler.serve(request) } }
} catch { fail(error.description) }
