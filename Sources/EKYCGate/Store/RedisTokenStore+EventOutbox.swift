#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RedisClient

/// The Redis store's outbox, beside the records, shared by every node: each event is a key
/// `ekyc:event:<id>` holding its JSON, which Redis expires at the event's `keepUntil`; the
/// undelivered ones are also members of one sorted set, `ekyc:events:pending`, scored by their
/// next attempt (+inf once given up), so the due ones are one range query. Enqueue and update
/// are Lua scripts, so a key and its membership change together.
extension RedisTokenStore: DeliveryQueue {
    public static let eventKeyPrefix = "ekyc:event:"
    public static let pendingEventsKey = "ekyc:events:pending"

    /// KEYS[1] the event's key, KEYS[2] the pending set; ARGV[1] the JSON, ARGV[2] seconds to
    /// live, ARGV[3] the score, ARGV[4] the id. 1 when added, 0 when the id is there already.
    static let enqueueScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
          redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
          return 1
        end
        return 0
        """

    /// KEYS as above; ARGV[1] the JSON, ARGV[2] the score ('' once delivered), ARGV[3] the id.
    /// The key keeps its TTL; an event that has expired is not brought back. 1 written, 0 gone.
    static let updateScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('ZREM', KEYS[2], ARGV[3])
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
        if ARGV[2] == '' then
          redis.call('ZREM', KEYS[2], ARGV[3])
        else
          redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
        end
        return 1
        """

    static func eventKey(_ id: String) -> String { eventKeyPrefix + id }

    public func enqueue(_ event: VerificationEvent) throws(StoreError) -> Bool {
        let key = Self.eventKey(event.id)
        let seconds = event.keepUntil - clock()
        guard seconds > 0 else { return false }
        let reply = try script(Self.enqueueScript, key: key, durable: true,
                               [try Self.encode(event, key), Array(String(seconds).utf8), Self.score(event), Array(event.id.utf8)])
        return reply == .integer(1)
    }

    @discardableResult
    public func update(_ event: VerificationEvent) throws(StoreError) -> Bool {
        let key = Self.eventKey(event.id)
        let score = event.deliveredAt == nil ? Self.score(event) : []
        return try script(Self.updateScript, key: key, [try Self.encode(event, key), score, Array(event.id.utf8)]) == .integer(1)
    }

    public func due(now: Int64, limit: Int) throws(StoreError) -> [VerificationEvent] {
        let ids = try members(["ZRANGEBYSCORE", Self.pendingEventsKey, "-inf", String(now), "LIMIT", "0", String(limit)])
        return try events(ids).filter { $0.isDue(now: now) }
    }

    public func undelivered(limit: Int) throws(StoreError) -> [VerificationEvent] {
        guard limit > 0 else { return [] }
        return try events(try members(["ZRANGE", Self.pendingEventsKey, "0", String(limit - 1)])).filter(\.isUndelivered)
    }

    public func event(id: String) throws(StoreError) -> VerificationEvent? {
        guard VerificationEvent.isValidID(id) else { return nil }
        return try events([id]).first
    }

    /// Redis expires the events themselves; this drops the pending set's members whose event
    /// has expired (reads do the same for the members they meet).
    public func sweepEvents(now: Int64) throws(StoreError) -> Int {
        let ids = try members(["ZRANGE", Self.pendingEventsKey, "0", "-1"])
        return ids.count - (try events(ids).count)
    }

    /// The events of these ids in their order (one MGET); ids whose event has expired leave
    /// the pending set.
    private func events(_ ids: [String]) throws(StoreError) -> [VerificationEvent] {
        guard !ids.isEmpty else { return [] }
        let reply = try run(key: Self.pendingEventsKey) { _ in [Array("MGET".utf8)] + ids.map { Array(Self.eventKey($0).utf8) } }
        guard case .array(let values) = reply, values.count == ids.count else {
            throw StoreError(call: "MGET", path: Self.pendingEventsKey, errno: 0, detail: "unexpected reply \(reply)")
        }
        var found: [VerificationEvent] = []
        var expired: [String] = []
        for (id, value) in zip(ids, values) {
            guard case .string(let bytes) = value else { expired.append(id); continue }
            do { found.append(try JSONDecoder().decode(VerificationEvent.self, from: Data(bytes))) } catch {
                throw StoreError(call: "decode", path: Self.eventKey(id), errno: 0, detail: "event is not valid JSON: \(error)")
            }
        }
        if !expired.isEmpty {
            _ = try run(key: Self.pendingEventsKey) { _ in [Array("ZREM".utf8), Array(Self.pendingEventsKey.utf8)] + expired.map { Array($0.utf8) } }
        }
        return found
    }

    private func members(_ command: [String]) throws(StoreError) -> [String] {
        let reply = try run(key: Self.pendingEventsKey) { _ in command.map { Array($0.utf8) } }
        guard case .array(let items) = reply else {
            throw StoreError(call: command[0], path: Self.pendingEventsKey, errno: 0, detail: "Redis answered \(reply.text ?? "\(reply)")")
        }
        return items.compactMap(\.text)
    }

    /// A `durable` script (the enqueue) is acknowledged once the replicas have it; an update
    /// lost in a failover only repeats a delivery, which the receiver must accept anyway.
    private func script(_ source: String, key: String, durable: Bool = false, _ arguments: [[UInt8]]) throws(StoreError) -> RedisReply {
        let reply = try run(key: key, durable: durable) { _ in
            [Array("EVAL".utf8), Array(source.utf8), Array("2".utf8), Array(key.utf8), Array(Self.pendingEventsKey.utf8)] + arguments
        }
        if case .error(let message) = reply {
            throw StoreError(call: "EVAL", path: key, errno: 0, detail: "Redis answered: \(message)")
        }
        return reply
    }

    private static func score(_ event: VerificationEvent) -> [UInt8] {
        Array((event.givenUpAt == nil ? String(event.nextAttempt) : "+inf").utf8)
    }

    private static func encode(_ event: VerificationEvent, _ key: String) throws(StoreError) -> [UInt8] {
        do { return Array(try JSONEncoder().encode(event)) } catch {
            throw StoreError(call: "encode", path: key, errno: 0, detail: "\(error)")
        }
    }
}
