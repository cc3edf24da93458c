/// Why the store could not do what was asked; the handlers answer 503 for any of these.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A call failed (disk, network, Redis): retrying soon may work.
        case failed
        /// The store is at its quota (`StoreQuota`): nothing new fits until records age out.
        case full
    }

    public var call: String
    public var path: String
    public var errno: Int32
    public var detail: String
    public var kind: Kind

    public init(call: String, path: String, errno: Int32, detail: String, kind: Kind = .failed) {
        self.call = call
        self.path = path
        self.errno = errno
        self.detail = detail
        self.kind = kind
    }

    public var description: String {
        kind == .full ? "token store \(path): \(detail)" : "token store: \(call) \(path) failed: \(detail)"
    }
}

/// Where token records live. A record is either wholly there or not there at all.
/// `FileTokenStore` is the default, `RedisTokenStore` serves several machines, and
/// `MemoryTokenStore` serves tests.
public protocol TokenStore: Sendable {
    /// Writes (creates or replaces) the record; durable when this returns. A final record
    /// (status other than pending) is written once: saving over one leaves it as it is, so a
    /// racing callback never replaces the result another one stored. A new pending record
    /// past the store's quota is refused with a `.full` error; any other write never is.
    func save(_ record: TokenRecord) throws(StoreError)
    /// Writes the record only when there is none for its token, atomically (of two racing
    /// creators exactly one wins); true when this call wrote it. Durable when it returns true.
    func create(_ record: TokenRecord) throws(StoreError) -> Bool
    /// The record for a token, or nil when there is none.
    func load(token: String) throws(StoreError) -> TokenRecord?
    /// Removes records whose retention ended before `now` and stale temp files; returns how many.
    func sweep(now: Int64) throws(StoreError) -> Int
    /// Removes one record (the `--check-config` probe); no error when there is none.
    func remove(token: String) throws(StoreError)
    /// How many records there are, for the status page; nil when counting is not cheap.
    func approximateCount() throws(StoreError) -> Int?
    /// What counts against the quota now, for the status page; nil when the store keeps no count.
    func usage() throws(StoreError) -> StoreUsage?
    /// Calls `visit` with every record in the store, in no set order, for the reconciler. A
    /// record written or removed meanwhile may or may not be visited, and one may be visited
    /// twice (Redis's `SCAN` promises no better); an entry that is not a whole record (a temp
    /// file, another tool's key, a file that does not decode) is passed over.
    func forEachRecord(_ visit: (TokenRecord) -> Void) throws(StoreError)
}

extension TokenStore {
    public func approximateCount() throws(StoreError) -> Int? { nil }
    public func usage() throws(StoreError) -> StoreUsage? { nil }

    /// A store that cannot list its records says so, rather than listing none.
    public func forEachRecord(_ visit: (TokenRecord) -> Void) throws(StoreError) {
        throw StoreError(call: "list", path: "\(Self.self)", errno: 0,
                         detail: "this store cannot list its records; the reconciler needs the file, Redis or memory store")
    }
}
