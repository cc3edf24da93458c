#if canImport(Glibc)
import Glibc
#endif

extension FastCGIServer {
    /// How long a worker waits for room in the body budget: a few uploads ahead of it finish in
    /// that time (each holds its bytes for one API round trip), and it stays well inside the
    /// snippet's `fastcgi_read_timeout` and a person's patience.
    static let bodyWaitMilliseconds = 5_000

    /// What a worker took in for one request.
    struct Intake {
        var request: HTTPRequest
        /// False when the body found no room in the budget: the request comes without it and
        /// is answered by `ServerHooks.busy`.
        var admitted: Bool
        /// What the worker holds of the budget until its answer is out.
        var reserved: Int
    }

    /// The params, then the body once the budget has room for its declared length.
    static func take(_ request: LibfcgiRequest, maxBodyBytes: Int, budget: BodyBudget) -> Intake {
        let params = request.params()
        let declared = RequestReader.declaredLength(params)
        if declared > maxBodyBytes {
            return Intake(request: HTTPRequest(params: params, bodyOmitted: true), admitted: true, reserved: 0)
        }
        guard budget.reserve(declared, waitingUpTo: bodyWaitMilliseconds) else {
            // Read and dropped a piece at a time, so the connection is at its end for the next
            // request nginx sends on it.
            request.discardBody()
            return Intake(request: HTTPRequest(params: params), admitted: false, reserved: 0)
        }
        return Intake(request: HTTPRequest(params: params, body: request.body(count: declared)), admitted: true, reserved: declared)
    }
}
