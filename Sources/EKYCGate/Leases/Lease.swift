#if canImport(Glibc)
import Glibc
#endif

/// One holder at a time for work that must not run twice at once across processes or nodes
/// (the webhook deliverer, the reconciler), and none lost when its holder dies: a file lease
/// is a `flock` the kernel drops with the process, a Redis lease a key that expires unless
/// renewed. Named after the work (`deliver`, `reconcile`); `TokenStores.lease(_:ttlMilliseconds:)`
/// makes the one that goes with the configured store.
///
/// A holder renews before each step and stops when `renew` says the lease is gone (it paused
/// longer than the TTL and another took over), so at most one does the work at any time
/// except within such a pause.
public protocol Lease: AnyObject, Sendable {
    var name: String { get }
    /// Takes the lease when it is free, or extends it when it is already this holder's; true
    /// when held on return. False (never an error) while another holds it.
    func acquire() throws(StoreError) -> Bool
    /// Extends this holder's lease; false when it is no longer this holder's.
    func renew() throws(StoreError) -> Bool
    /// Gives the lease up now, if this holder has it (a stopped holder need not wait out the TTL).
    func release()
    /// Who holds it (`host:pid`, for messages); nil when free or unknown.
    func holder() -> String?
}

extension Lease {
    /// This process's name in a lease: where to look when it is held too long.
    static var processName: String {
        var host = [CChar](repeating: 0, count: 256)
        let name = gethostname(&host, host.count) == 0 ? String(cString: host) : "localhost"
        return "\(name):\(getpid())"
    }
}
