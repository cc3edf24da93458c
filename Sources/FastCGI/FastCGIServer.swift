#if canImport(Glibc)
import Glibc
#endif
import CFastCGI
import Locking
import Synchronization

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

/// A threaded FastCGI server on libfcgi's reentrant API, after libfcgi's `threaded.c`: each
/// worker has its own request (`LibfcgiRequest`), reads it with `FCGX_Accept_r` and ends it with
/// `FCGX_Finish_r`, params copied out at once. Connections are accepted here, not by libfcgi
/// (`ConnectionAccept`, one worker at a time by `AcceptBaton`), and workers start on demand
/// (`WorkerThreads`).
public final class FastCGIServer: @unchecked Sendable {
    private let listenFD: Int32
    private let workers: Int
    private let maxBodyBytes: Int
    private let budget: BodyBudget
    private let makeHandler: @Sendable () -> Handler
    private let hooks: ServerHooks
    /// Read once, as libfcgi's FCGX_Init does.
    private let allowedPeers = WebServerAddresses.fromEnvironment()
    /// Connections `ConnectionAccept` gave the workers (for tests).
    let acceptedConnections = Atomic<Int>(0)
    /// The worker threads, started as requests need them.
    let threads: WorkerThreads
    /// Held while workers are being started.
    private let growing = Lock()

    /// - Parameters:
    ///   - listenFD: a listening socket (from `ListenAddress.open` or fd 0 inherited from spawn-fcgi).
    ///   - workers: the most worker threads; they are started as concurrent requests need them.
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
        self.threads = WorkerThreads(limit: self.workers)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting, lets every worker finish the
    /// request it holds, and returns. SIGHUP calls `hooks.reload` and serving goes on.
    public func run() throws(ServerError) {
        // A browser that hangs up mid-answer must not kill the process.
        signal(SIGPIPE, SIG_IGN)
        // Workers inherit this mask, so the stop signals reach only the waiter thread below.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        try serve { stop throws(ServerError) in try startSignalWaiter(stopSignals, stop: stop) }
    }

    /// Serves until `stop`, handed to `started` before the first request, is called; returns
    /// once every worker has finished the request it holds.
    func serve(_ started: (_ stop: @escaping @Sendable () -> Void) throws(ServerError) -> Void) throws(ServerError) {
        if FCGX_Init() != 0 { throw .libraryInit }
        let kept = try KeptConnections(workers: workers)
        let listenFD = listenFD
        try started {
            // Wakes every worker blocked in accept, and those waiting on kept connections, while
            // requests in progress run to the end.
            shutdown(listenFD, Int32(SHUT_RDWR))
            kept.stop()
        }
        let baton = AcceptBaton(workers: workers)
        // The first worker; more start as requests overlap.
        _ = try startWorker(baton: baton, kept: kept)
        threads.joinAll()
    }

    /// Starts one more worker, with its libfcgi request made before the thread, so that a
    /// failure is the starter's to report.
    private func startWorker(baton: AcceptBaton, kept: KeptConnections) throws(ServerError) -> Bool {
        let request = try LibfcgiRequest()
        let box = RequestBox(request)
        // On its way to the accept turn: until it gets there, no other worker starts for it.
        baton.onItsWay()
        let started: Bool
        do {
            started = try threads.start { [self] index in
                workerLoop(index: index, request: box.take(), baton: baton, kept: kept)
            }
        } catch {
            baton.notComing()
            throw error
        }
        if !started { baton.notComing() }
        return started
    }

    /// Called by the worker that took the accept turn and found no worker waiting for it nor one
    /// on its way back from an answer: every started worker is busy, so as many again start (up
    /// to `workers`). One at a time, a burst of requests on a fresh process would wait for a
    /// thread to be scheduled per request; doubling takes a few steps, and a process that gets
    /// one request at a time still has two. A failure is logged and serving goes on with the
    /// workers there are; the next busy moment tries again.
    private func growIfAllBusy(baton: AcceptBaton, kept: KeptConnections) {
        // Two workers may find everyone busy at once; the second sees the first one's starts.
        growing.withLock {
            guard !baton.anyoneComing else { return }
            let started = threads.startedCount
            for _ in 0..<min(started, workers - started) {
                do {
                    guard try startWorker(baton: baton, kept: kept) else { return }
                } catch {
                    LogLine(event: "worker_start_failed", ("error", "\(error)"), ("workers", String(threads.startedCount))).write()
                    return
                }
            }
        }
    }

    /// A thread that sleeps in `sigwait`. SIGHUP: the reload hook. SIGTERM/SIGINT: `stop`.
    private func startSignalWaiter(_ signals: sigset_t, stop: @escaping @Sendable () -> Void) throws(ServerError) {
        final class Context {
            var signals: sigset_t
            let stop: @Sendable () -> Void
            let reload: @Sendable () -> Void
            init(signals: sigset_t, stop: @escaping @Sendable () -> Void, reload: @escaping @Sendable () -> Void) {
                (self.signals, self.stop, self.reload) = (signals, stop, reload)
            }
        }
        let context = Unmanaged.passRetained(Context(signals: signals, stop: stop, reload: hooks.reload)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let context = Unmanaged<Context>.fromOpaque(raw!).takeRetainedValue()
            var received: Int32 = 0
            while sigwait(&context.signals, &received) == 0, received == SIGHUP {
                context.reload()
            }
            FCGX_ShutdownPending()
            context.stop()
            return nil
        }, context)
        guard rc == 0 else { throw .threadStart(errno: rc) }
        pthread_detach(thread)
    }

    private func workerLoop(index: Int, request: LibfcgiRequest, baton: AcceptBaton, kept: KeptConnections) {
        // Made on the first request, not before the first accept: a worker started for a burst
        // takes the accept turn at once, and the next one can start while it makes its handler.
        var handler: Handler?
        // Announced by `startWorker`.
        var returning = true
        while true {
            let connection: Int32
            if let held = request.heldConnection {
                // The connection of the last request, which nginx asked to keep.
                guard kept.awaitNextRequest(on: held) else {
                    request.closeConnection()
                    continue
                }
                connection = held
            } else {
                baton.lead(index, returning: returning)
                returning = false
                let accepted = ConnectionAccept.next(listenFD: listenFD, allowed: allowedPeers)
                let someoneLeads = baton.handOff()
                guard let accepted else { break }
                acceptedConnections.add(1, ordering: .relaxed)
                if !someoneLeads { growIfAllBusy(baton: baton, kept: kept) }
                if ConnectionAccept.closedUnused(accepted) {
                    close(accepted)
                    continue
                }
                connection = accepted
            }
            if case .noRequest(let code) = request.begin(on: connection) {
                LogLine(event: "fastcgi_connection_dropped", ("reason", "no valid FastCGI request"), ("code", String(code))).write()
                continue
            }
            let started = MonotonicClock.nowNanoseconds()
            hooks.requestStarted()
            let intake = Self.take(request, maxBodyBytes: maxBodyBytes, budget: budget)
            let httpRequest = intake.request
            let handle: Handler
            if let made = handler { handle = made } else {
                handle = makeHandler()
                handler = handle
            }
            let response = intake.admitted ? handle(httpRequest) : hooks.busy(httpRequest)
            response.cgiHeadBytes().withUnsafeBytes { request.write($0) }
            response.body.withUnsafeBytes { request.write($0) }
            let keeping = request.webServerKeepsConnection && kept.mayKeep()
            if !keeping {
                // Back at the accept turn once libfcgi has closed the connection (nginx hangs up
                // at once) and the line is logged: no worker need start for the next request.
                baton.onItsWay()
                returning = true
            }
            // The answer could not be written whole: libfcgi closed the connection after all.
            if !request.finish(keep: keeping) && keeping { kept.release() }
            let milliseconds = MonotonicClock.millisecondsSince(started)
            hooks.requestFinished(httpRequest, response, milliseconds)
            RequestLog.line(request: httpRequest, response: response, milliseconds: milliseconds).write()
            // Only now: the body lives until the request's last use, the log line above.
            budget.release(intake.reserved)
        }
        // A kept connection at shutdown: closed without libfcgi's lingering close.
        request.closeConnection()
    }

    /// True when fd 0 is a listening socket: started by spawn-fcgi, a systemd socket unit
    /// or a web server that spawns FastCGI children.
    public static var inheritedSocketOnStandardInput: Bool { FCGX_IsCGI() == 0 }
}

/// Hands a worker's request from the starting thread to the worker thread.
private final class RequestBox: @unchecked Sendable {
    private var request: LibfcgiRequest?
    init(_ request: LibfcgiRequest) { self.request = request }
    func take() -> LibfcgiRequest {
        defer { request = nil }
        return request!
    }
}
