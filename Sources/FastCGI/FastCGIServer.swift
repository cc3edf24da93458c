#if canImport(Glibc)
import Glibc
#endif
import CFastCGI

/// A request handler; each worker thread makes its own (its own API client, its own buffers).
public typealias Handler = (HTTPRequest) -> HTTPResponse

/// What the application hears from the server: requests in flight (for a status page) and
/// SIGHUP (to re-read its configuration); and how it words a refusal the server makes.
public struct ServerHooks: Sendable {
    /// Called on a worker thread when it takes a request, and again when it has answered it.
    public var requestStarted: @Sendable () -> Void
    public var requestFinished: @Sendable (_ request: HTTPRequest, _ response: HTTPResponse, _ milliseconds: Double) -> Void
    /// Called on the signal thread for each SIGHUP; requests keep being served meanwhile.
    public var reload: @Sendable () -> Void
    /// The answer, in place of the handler's, to a request whose body found no room in the
    /// process's body budget within the wait (the request comes without its body). A 503 with
    /// `Retry-After`, in the application's own error shape.
    public var busy: @Sendable (_ request: HTTPRequest) -> HTTPResponse

    public init(requestStarted: @escaping @Sendable () -> Void = {},
                requestFinished: @escaping @Sendable (HTTPRequest, HTTPResponse, Double) -> Void = { _, _, _ in },
                reload: @escaping @Sendable () -> Void = {},
                busy: @escaping @Sendable (HTTPRequest) -> HTTPResponse = ServerHooks.plainBusy) {
        self.requestStarted = requestStarted
        self.requestFinished = requestFinished
        self.reload = reload
        self.busy = busy
    }

    public static let busyRetrySeconds = 3

    /// The server's own wording, for applications that give none.
    @Sendable public static func plainBusy(_ request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(status: 503, headers: [("Retry-After", String(busyRetrySeconds)), ("Content-Type", "text/plain; charset=utf-8")],
                     text: "too many large uploads at once; retry in a few seconds\n")
    }
}

/// A threaded FastCGI server on libfcgi's reentrant API, after libfcgi's `threaded.c`:
/// one `FCGX_Request` per worker, `FCGX_Accept_r` / `FCGX_Finish_r`, params copied out at once.
public final class FastCGIServer: @unchecked Sendable {
    private let listenFD: Int32
    private let workers: Int
    private let maxBodyBytes: Int
    private let budget: BodyBudget
    private let makeHandler: @Sendable () -> Handler
    private let hooks: ServerHooks
    /// Read once, as libfcgi's FCGX_Init does.
    private let allowedPeers = WebServerAddresses.fromEnvironment()
    static let workerStackBytes = 512 * 1024

    /// glibc's default starting threshold, fixed so it stops adapting.
    static let mmapThresholdBytes: Int32 = 128 * 1024

    /// - Parameters:
    ///   - listenFD: a listening socket (from `ListenAddress.open` or fd 0 inherited from spawn-fcgi).
    ///   - maxBodyBytes: bodies declared larger than this are not read (`HTTPRequest.bodyOmitted`).
    ///   - bodyMemoryLimit: the bytes of request bodies all workers together may hold (`BodyBudget`).
    public init(listenFD: Int32, workers: Int, maxBodyBytes: Int, bodyMemoryLimit: Int = ServeOptions.defaultBodyMemoryLimit,
                hooks: ServerHooks = ServerHooks(), makeHandler: @escaping @Sendable () -> Handler) {
        self.listenFD = listenFD
        self.workers = max(1, workers)
        self.maxBodyBytes = maxBodyBytes
        self.budget = BodyBudget(limit: bodyMemoryLimit)
        self.hooks = hooks
        self.makeHandler = makeHandler
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting, lets every worker finish the
    /// request it holds, and returns. SIGHUP calls `hooks.reload` and serving goes on.
    public func run() throws(ServerError) {
        if FCGX_Init() != 0 { throw .libraryInit }
        // A browser that hangs up mid-answer must not kill the process.
        signal(SIGPIPE, SIG_IGN)
        // Request bodies of megabytes (an 8 MB photo) are mapped and given back when freed. Left
        // to itself, glibc raises its mmap threshold to the largest block freed so far, so after
        // one upload every later one lands in a worker's heap and stays resident after the answer.
        mallopt(M_MMAP_THRESHOLD, Self.mmapThresholdBytes)
        // Workers inherit this mask, so the stop signals reach only the waiter thread below.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        let kept = try KeptConnections(workers: workers)
        try startStopWaiter(stopSignals, kept: kept)
        var threads: [pthread_t] = []
        // Hundreds of workers mostly wait on the API; a small stack keeps each one cheap.
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, Self.workerStackBytes)
        let baton = AcceptBaton(workers: workers)
        final class Start {
            let server: FastCGIServer
            let baton: AcceptBaton
            let kept: KeptConnections
            let index: Int
            init(server: FastCGIServer, baton: AcceptBaton, kept: KeptConnections, index: Int) {
                (self.server, self.baton, self.kept, self.index) = (server, baton, kept, index)
            }
        }
        for index in 0..<workers {
            let box = Unmanaged.passRetained(Start(server: self, baton: baton, kept: kept, index: index)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(&thread, &attributes, { raw in
                let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
                start.server.workerLoop(index: start.index, baton: start.baton, kept: start.kept)
                return nil
            }, box)
            guard rc == 0 else {
                Unmanaged<Start>.fromOpaque(box).release()
                throw .threadStart(errno: rc)
            }
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
    }

    /// A thread that sleeps in `sigwait`. SIGHUP: the reload hook. SIGTERM/SIGINT: shut the
    /// listening socket down, which wakes every worker blocked in accept, and wake the workers
    /// waiting on kept connections, while requests in progress run to the end.
    private func startStopWaiter(_ signals: sigset_t, kept: KeptConnections) throws(ServerError) {
        final class Context {
            var signals: sigset_t
            let fd: Int32
            let kept: KeptConnections
            let reload: @Sendable () -> Void
            init(signals: sigset_t, fd: Int32, kept: KeptConnections, reload: @escaping @Sendable () -> Void) {
                self.signals = signals
                self.fd = fd
                self.kept = kept
                self.reload = reload
            }
        }
        let context = Unmanaged.passRetained(Context(signals: signals, fd: listenFD, kept: kept, reload: hooks.reload)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let context = Unmanaged<Context>.fromOpaque(raw!).takeRetainedValue()
            var received: Int32 = 0
            while sigwait(&context.signals, &received) == 0, received == SIGHUP {
                context.reload()
            }
            FCGX_ShutdownPending()
            shutdown(context.fd, Int32(SHUT_RDWR))
            context.kept.stop()
            return nil
        }, context)
        guard rc == 0 else { throw .threadStart(errno: rc) }
        pthread_detach(thread)
    }

    private func workerLoop(index: Int, baton: AcceptBaton, kept: KeptConnections) {
        let handler = makeHandler()
        var request = FCGX_Request()
        guard FCGX_InitRequest(&request, listenFD, 0) == 0 else { return }
        while true {
            if request.ipcFd >= 0 {
                // The connection of the last request, which nginx asked to keep.
                guard kept.awaitNextRequest(on: request.ipcFd) else {
                    close(request.ipcFd)
                    request.ipcFd = -1
                    continue
                }
            } else {
                baton.lead(index)
                let connection = ConnectionAccept.next(listenFD: listenFD, allowed: allowedPeers)
                baton.handOff()
                guard let connection else { break }
                request.ipcFd = connection
            }
            // libfcgi reads the request from this connection: with `ipcFd` set it skips its own
            // accept, and `keepConnection` keeps the FCGX_Finish_r that FCGX_Accept_r opens with
            // from closing it. A connection that sends no valid request is closed by libfcgi,
            // which then accepts the next one itself.
            request.keepConnection = 1
            guard FCGX_Accept_r(&request) >= 0 else { break }
            let started = MonotonicClock.nowNanoseconds()
            hooks.requestStarted()
            let intake = Self.take(&request, maxBodyBytes: maxBodyBytes, budget: budget)
            let httpRequest = intake.request
            let response = intake.admitted ? handler(httpRequest) : hooks.busy(httpRequest)
            Self.write(response, to: request.out)
            // libfcgi set `keepConnection` from the request's FCGI_KEEP_CONN flag; FCGX_Finish_r
            // closes the connection unless it is still set (or the answer could not be written).
            let keeping = request.keepConnection != 0 && kept.mayKeep()
            if !keeping { request.keepConnection = 0 }
            FCGX_Finish_r(&request)
            if keeping && request.ipcFd < 0 { kept.release() }
            let milliseconds = MonotonicClock.millisecondsSince(started)
            hooks.requestFinished(httpRequest, response, milliseconds)
            RequestLog.write(RequestLog.line(request: httpRequest, response: response, milliseconds: milliseconds))
            // Only now: the body lives until the request's last use, the log line above.
            budget.release(intake.reserved)
        }
        // A kept connection at shutdown: closed without libfcgi's lingering close, which would
        // wait up to 2 s for nginx to hang up first.
        if request.ipcFd >= 0 {
            close(request.ipcFd)
            request.ipcFd = -1
        }
        FCGX_Free(&request, 1)
    }

    private static func write(_ response: HTTPResponse, to stream: UnsafeMutablePointer<FCGX_Stream>?) {
        let head = response.cgiHeadBytes()
        head.withUnsafeBytes { put($0, stream) }
        response.body.withUnsafeBytes { put($0, stream) }
    }

    private static func put(_ bytes: UnsafeRawBufferPointer, _ stream: UnsafeMutablePointer<FCGX_Stream>?) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = FCGX_PutStr(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), stream)
    }

    /// True when fd 0 is a listening socket: started by spawn-fcgi, a systemd socket unit
    /// or a web server that spawns FastCGI children.
    public static var inheritedSocketOnStandardInput: Bool { FCGX_IsCGI() == 0 }
}
