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

    public init(listen: ListenAddress? = nil, socketMode: UInt32? = nil, workers: Int = 8, maxBodyBytes: Int) {
        self.listen = listen
        self.socketMode = socketMode
        self.workers = workers
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Picks the process model the way FastCGI apps do: `--listen` opens a socket; a listening
/// socket on fd 0 is inherited (spawn-fcgi, systemd); otherwise this is a CGI request.
public enum Serve {
    public static func run(_ options: ServeOptions, hooks: ServerHooks = ServerHooks(),
                           makeHandler: @escaping @Sendable () -> Handler) throws(ServerError) {
        if let listen = options.listen {
            let fd = try listen.open(mode: options.socketMode, owner: options.socketOwner)
            try FastCGIServer(listenFD: fd, workers: options.workers, maxBodyBytes: options.maxBodyBytes,
                              hooks: hooks, makeHandler: makeHandler).run()
        } else if FastCGIServer.inheritedSocketOnStandardInput {
            try FastCGIServer(listenFD: 0, workers: options.workers, maxBodyBytes: options.maxBodyBytes,
                              hooks: hooks, makeHandler: makeHandler).run()
        } else {
            CGIRunner.runOnce(maxBodyBytes: options.maxBodyBytes, handler: makeHandler())
        }
    }
}
