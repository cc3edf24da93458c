#if canImport(Glibc)
import Glibc
#endif

/// `--socket-owner www-data` or `www-data:www-data`: who owns a unix socket, resolved to ids at
/// start-up so a misspelt name stops the process instead of leaving nginx unable to connect.
public struct SocketOwner: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32?

    public init(parsing text: String) throws(ServerError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let user = parts.first, !user.isEmpty else { throw .badOwner(text, "no user name") }
        if let id = UInt32(user) {
            uid = id
        } else if let entry = getpwnam(user) {
            uid = entry.pointee.pw_uid
        } else {
            throw .badOwner(text, "no user '\(user)'")
        }
        if parts.count == 2, !parts[1].isEmpty {
            if let id = UInt32(parts[1]) {
                gid = id
            } else if let entry = getgrnam(parts[1]) {
                gid = entry.pointee.gr_gid
            } else {
                throw .badOwner(text, "no group '\(parts[1])'")
            }
        }
    }

    func apply(to path: String) throws(ServerError) {
        // gid_t(-1) leaves the group as it is.
        let group = gid.map { gid_t($0) } ?? gid_t.max
        guard chown(path, uid_t(uid), group) == 0 else { throw .cannotListen("unix:\(path)", errno: errno) }
    }
}
