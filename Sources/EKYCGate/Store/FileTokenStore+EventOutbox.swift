#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import LogLines

/// The file store's outbox: `outbox/` in the store directory, one JSON file per event named by
/// its id (never a token). `pending/` holds the events still to deliver (given-up ones too),
/// `delivered/` those a receiver acknowledged, kept until swept. Every write goes through
/// `DurableFiles` under the `flock` of `outbox/`, so an enqueue never races a move: it checks
/// `delivered/`, then links into `pending/` (create unless present). A move writes the new file
/// first and removes the old one after; a crash in between leaves the event in both, and then
/// `delivered/` is the truth: at worst a redelivery the operator asked for is lost, never is a
/// delivered event sent again on its own.
///
/// The deliverer reads only `pending/`, which holds nothing in normal operation; the
/// delivered events of four days are never read again unless asked for by id.
extension FileTokenStore: DeliveryQueue {
    var outboxDirectory: String { "\(directory)/outbox" }

    private enum Place: String { case pending, delivered }

    private func folder(_ place: Place) -> String { "\(outboxDirectory)/\(place.rawValue)" }
    private func file(_ id: String, _ place: Place) -> String { "\(folder(place))/\(id).json" }

    public func enqueue(_ event: VerificationEvent) throws(StoreError) -> Bool {
        let bytes = try prepare(event)
        return try files.write(bytes, in: outboxDirectory) { (temp, _) throws(StoreError) in
            if Self.exists(file(event.id, .delivered)) { return false }
            return try files.link(temp, to: file(event.id, .pending), directory: folder(.pending))
        }
    }

    @discardableResult
    public func update(_ event: VerificationEvent) throws(StoreError) -> Bool {
        let bytes = try prepare(event)
        let (target, other): (Place, Place) = event.deliveredAt == nil ? (.pending, .delivered) : (.delivered, .pending)
        return try files.write(bytes, in: outboxDirectory) { (temp, _) throws(StoreError) in
            let otherFile = file(event.id, other)
            let elsewhere = Self.exists(otherFile)
            guard elsewhere || Self.exists(file(event.id, target)) else { return false }
            try files.rename(temp, to: file(event.id, target), directory: folder(target))
            if elsewhere { try files.remove(otherFile, directory: folder(other)) }
            return true
        }
    }

    public func due(now: Int64, limit: Int) throws(StoreError) -> [VerificationEvent] {
        Array(try pendingEvents().filter { $0.isDue(now: now) }.sorted(by: VerificationEvent.dueOrder).prefix(limit))
    }

    public func undelivered(limit: Int) throws(StoreError) -> [VerificationEvent] {
        Array(try pendingEvents().sorted(by: VerificationEvent.dueOrder).prefix(limit))
    }

    public func event(id: String) throws(StoreError) -> VerificationEvent? {
        guard VerificationEvent.isValidID(id) else { return nil }
        if let delivered = try read(file(id, .delivered)) { return delivered }
        return try read(file(id, .pending))
    }

    public func sweepEvents(now: Int64) throws(StoreError) -> Int {
        var removed = 0
        for name in try files.entries(of: outboxDirectory) where files.sweepTemp(name, in: outboxDirectory, now: now) {
            removed += 1
        }
        for place in [Place.delivered, .pending] {
            for name in try files.entries(of: folder(place)) where name.hasSuffix(".json") {
                let path = "\(folder(place))/\(name)"
                let event = try? read(path)
                // A pending copy beside a delivered one is what a crash mid-move left.
                let twin = place == .pending && Self.exists(file(String(name.dropLast(5)), .delivered))
                if twin || (event.map { $0.keepUntil < now } ?? false), files.sys.unlink(path) == 0 { removed += 1 }
            }
        }
        return removed
    }

    /// The event as JSON, with the outbox's folders in place (a mkdir each, on the rare
    /// writes: one enqueue per verification, one update per attempt).
    private func prepare(_ event: VerificationEvent) throws(StoreError) -> [UInt8] {
        guard VerificationEvent.isValidID(event.id) else {
            throw StoreError(call: "enqueue", path: outboxDirectory, errno: EINVAL, detail: "'\(event.id.prefix(40))' is not an event id")
        }
        for path in [outboxDirectory, folder(.pending), folder(.delivered)] { try files.makeDirectory(path) }
        do { return Array(try JSONEncoder().encode(event)) } catch {
            throw StoreError(call: "encode", path: file(event.id, .pending), errno: 0, detail: "\(error)")
        }
    }

    /// The events in `pending/` that have no delivered twin. A file that cannot be read is
    /// logged and passed over, so one damaged file does not hold up every other delivery.
    private func pendingEvents() throws(StoreError) -> [VerificationEvent] {
        var events: [VerificationEvent] = []
        for name in try files.entries(of: folder(.pending)) where name.hasSuffix(".json") {
            let found: VerificationEvent?
            do { found = try read("\(folder(.pending))/\(name)") } catch {
                files.sys.log(LogLine(event: "outbox_unreadable", ("error", error.description), ("fix", "move the file away to silence this")))
                continue
            }
            guard let event = found, !Self.exists(file(event.id, .delivered)) else { continue }
            events.append(event)
        }
        return events
    }

    private func read(_ path: String) throws(StoreError) -> VerificationEvent? {
        let bytes: [UInt8]
        do { bytes = try FileReading.bytes(atPath: path, limit: 1 << 16) } catch {
            if error.errno == ENOENT { return nil }
            throw StoreError(call: "read", path: path, errno: error.errno, detail: error.reason)
        }
        do { return try JSONDecoder().decode(VerificationEvent.self, from: Data(bytes)) } catch {
            throw StoreError(call: "decode", path: path, errno: 0, detail: "event is not valid JSON: \(error)")
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
