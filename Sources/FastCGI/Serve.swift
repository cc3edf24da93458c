#if canImport(Glibc)
import Glibc
#endif

/// How a handler process was asked to run, from its command line.
public struct ServeOptions: Sendable {
    public var listen: ListenAddress?
    public var socketMode: UInt32?
    public var socketOwner: SocketOwner?
    public var workers: Int
    public var maxBodyBytes: Int
    /// The bytes of request bodies the workers of one process may hold at once (`BodyBudget`);
    /// CGI answers one request, so it needs none.
    public var bodyMemoryLimit: Int

    /// Eight 8 MB uploads at once, whatever the number of workers.
    public static let defaultBodyMemoryLimit = 64 << 20

    public init(listen: ListenAddress? = nil, socketMode: UInt32? = nil, workers: Int = 8, maxBodyBytes: Int,
                bodyMemoryLimit: Int = defaultBodyMemoryLimit) {
        self.listen = listen
        self.socketMode = socketMode
        self.workers = workers
        self.maxBodyBytes = maxBodyBytes
        self.bodyMemoryLimit = bodyMemoryLimit
    }
}

/// Picks the process model the way FastCGI apps do: `--listen` opens a socket; a listening
/// socket on fd 0 is inherited (spawn-fcgi, systemd); otherwise this is a CGI request.
public enum Serve {
    public static func run(_ options: ServeOptions, hooks: ServerHooks = ServerHooks(),
                           makeHandler: @escaping @Sendable () -> Handler) throws(ServerError) {
        if let listen = options.listen {
            let fd = try listen.open(mode: options.socketMode, owner: options.socketOwner)
            try server(fd, options, hooks, makeHandler).run()
        } else if FastCGIServer.inheritedSocketOnStandardInput {
            try server(0, options, hooks, makeHandler).run()
        } else {
            CGIRunner.runOnce(maxBodyBytes: options.maxBodyBytes, handler: makeHandler())
        }
    }

    private static func server(_ fd: Int32, _ options: ServeOptions, _ hooks: ServerHooks,
                               _ makeHandler: @escaping @Sendable () -> Handler) -> FastCGIServer {
        FastCGIServer(listenFD: fd, workers: options.workers, maxBodyBytes: options.maxBodyBytes,
                      bodyMemoryLimit: options.bodyMemoryLimit, hooks: hooks, makeHandler: makeHandler)
    }
}
