import Synchronization
import RedisClient

/// Finding the primary through Sentinel with plain commands (hiredis 0.14 has no Sentinel
/// support): ask each Sentinel in turn `SENTINEL get-master-addr-by-name NAME`, connect to the
/// address it names, and keep the connection only if `ROLE` says master. A Sentinel that cannot
/// be reached, does not know the name, or named a Redis that is not (or no longer) a master goes
/// to the end of the order, so the next connection asks another one first.
extension RedisTokenStore {
    /// A connection to the current master, authenticated (database and script come after).
    func connectToMaster() throws(StoreError) -> RedisConnection {
        let order = sentinelOrder.withLock { $0 }
        var failures: [String] = []
        var lastError: StoreError?
        // During a failover every Sentinel may still name the dead master: try it once, not
        // once per Sentinel (each try can cost redis_connect_timeout_ms).
        var refused: [RedisAddress: StoreError] = [:]
        for sentinel in order {
            do throws(StoreError) {
                let address = try askSentinel(sentinel)
                if let known = refused[address] { throw known }
                do throws(StoreError) { return try connectChecked(address, namedBy: sentinel) } catch {
                    refused[address] = error
                    throw error
                }
            } catch {
                failures.append("\(sentinel): \(error.detail)")
                lastError = error
                demote(sentinel)
            }
        }
        var failure = lastError ?? StoreError(call: "SENTINEL", path: options.redacted, errno: 0, detail: "no Sentinel configured")
        failure.path = options.redacted
        failure.detail = "no Sentinel named a reachable master: " + failures.joined(separator: "; ")
        throw failure
    }

    /// The master's address as this Sentinel sees it.
    func askSentinel(_ sentinel: RedisAddress) throws(StoreError) -> RedisAddress {
        let name = options.replication.masterName ?? ""
        let connection = try openConnection(to: sentinel.host, sentinel.port, call: "SENTINEL", path: sentinel.description)
        if let password = options.replication.sentinelPassword {
            try expectOK(connection, [Array("AUTH".utf8), Array(password.utf8)], call: "AUTH",
                         fix: "check redis_sentinel_password_file against the Sentinels' requirepass")
        }
        let reply: RedisReply
        do { reply = try connection.command("SENTINEL", "get-master-addr-by-name", name) } catch {
            throw StoreError(call: "SENTINEL", path: sentinel.description, errno: error.errno, detail: error.description)
        }
        return try Self.masterAddress(reply, name: name, sentinel: sentinel)
    }

    /// The reply of `SENTINEL get-master-addr-by-name`: `[host, port]`, or null for a name the
    /// Sentinel does not monitor.
    static func masterAddress(_ reply: RedisReply, name: String, sentinel: RedisAddress) throws(StoreError) -> RedisAddress {
        switch reply {
        case .array(let parts) where parts.count == 2:
            guard let host = parts[0].text, !host.isEmpty, let portText = parts[1].text, let port = Int(portText),
                  (1...65_535).contains(port) else { break }
            return RedisAddress(host: host, port: port)
        case .null, .array([]):
            throw StoreError(call: "SENTINEL", path: sentinel.description, errno: 0,
                             detail: "Sentinel \(sentinel) monitors no master named '\(name)'; check redis_master_name against its 'sentinel monitor' line")
        case .error(let message):
            throw StoreError(call: "SENTINEL", path: sentinel.description, errno: 0, detail: "Sentinel \(sentinel) answered: \(message)")
        default:
            break
        }
        throw StoreError(call: "SENTINEL", path: sentinel.description, errno: 0, detail: "Sentinel \(sentinel) gave an unexpected reply \(reply)")
    }

    /// Connects to the address a Sentinel named and keeps it only when `ROLE` says master: a
    /// Sentinel that has not yet seen a failover names the old master, which may be back as a
    /// replica (or, before Sentinel reconfigures it, as a master with no data it must not take).
    private func connectChecked(_ address: RedisAddress, namedBy sentinel: RedisAddress) throws(StoreError) -> RedisConnection {
        let connection = try openConnection(to: address.host, address.port, call: "connect", path: address.description,
                                            about: "the master Sentinel \(sentinel) names")
        try authenticate(connection)
        let role: RedisReply
        do { role = try connection.command("ROLE") } catch {
            throw StoreError(call: "ROLE", path: address.description, errno: error.errno, detail: error.description)
        }
        guard Self.isMaster(role) else {
            throw StoreError(call: "ROLE", path: address.description, errno: 0,
                             detail: "Sentinel \(sentinel) names \(address), which is not a master (ROLE: \(Self.roleName(role))); a failover is under way")
        }
        return connection
    }

    static func isMaster(_ role: RedisReply) -> Bool { roleName(role) == "master" }

    static func roleName(_ role: RedisReply) -> String {
        if case .array(let parts) = role, let name = parts.first?.text { return name }
        return role.text ?? "\(role)"
    }

    /// Moves a Sentinel that failed to the end of the order.
    private func demote(_ sentinel: RedisAddress) {
        sentinelOrder.withLock { order in
            guard let index = order.firstIndex(of: sentinel), order.count > 1 else { return }
            order.append(order.remove(at: index))
        }
    }
}
