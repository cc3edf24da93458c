/// A Redis command that got no reply, with hiredis's own words and where it was going.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No connection could be made (refused, unreachable, connect deadline passed).
        case connect
        /// The connection broke: the server closed it or reset it (e.g. Redis restarted).
        case connectionLost
        /// The reply did not come within the command deadline.
        case timeout
        /// Anything else hiredis reports (protocol error, out of memory).
        case other
    }

    public var kind: Kind
    /// `host:port` of the server.
    public var address: String
    /// hiredis's message, e.g. "Connection refused" or "Server closed the connection".
    public var message: String
    public var errno: Int32

    public init(kind: Kind, address: String, message: String, errno: Int32 = 0) {
        self.kind = kind
        self.address = address
        self.message = message
        self.errno = errno
    }

    public var description: String { "Redis \(address): \(message)" }
}
