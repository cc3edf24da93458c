#if canImport(Glibc)
import Glibc
#endif
public import LogLines

/// The configured store, opened once at start-up; `make()` gives each worker thread its store.
/// The file store is one shared instance (every call is its own open/rename; its journal is
/// the process's, shared by the workers so their flushes are shared); a Redis store is
/// one instance per worker, each with its own connection, so no worker waits for another's
/// round trip and no pool or lock is shared between threads.
///
/// The rate limiter lives beside the records: a table file in the store directory shared by the
/// machine's processes, or keys in the same Redis shared by every node.
public enum TokenStores: Sendable {
    case file(FileTokenStore, FileRateLimiter)
    case redis(RedisOptions, StoreQuota)

    /// `log` takes the lines the store writes about itself (a Redis down at start-up, a file it
    /// passes over); the handlers give `RequestLog.write`.
    public static func open(_ config: HandlerConfig, log: @escaping @Sendable (LogLine) -> Void) throws(ConfigError) -> TokenStores {
        guard let redis = config.redis else {
            do {
                let store = try FileTokenStore(directory: config.storeDirectory, quota: config.storeQuota,
                                               syscalls: Syscalls.live.logging(to: log), create: config.fileStore.create)
                return .file(store, FileRateLimiter(directory: store.directory))
            } catch {
                throw ConfigError("store \(config.storeDirectory): \(error.detail)")
            }
        }
        // A wrong password or database is a configuration mistake: stop now, with its message.
        // Redis being down is not: the handlers start and answer 503 until it is back.
        do { try RedisTokenStore(options: redis).check() } catch {
            if error.call == "AUTH" || error.call == "SELECT" {
                throw ConfigError("store \(redis.redacted): \(error.call) failed: \(error.detail)")
            }
            log(LogLine(event: "store_unreachable", ("store", redis.redacted), ("detail", error.detail), ("effect", "answering 503 until Redis is reachable")))
        }
        return .redis(redis, config.storeQuota)
    }

    public func make() -> any TokenStore & DeliveryQueue { makeWithLimiter().store }

    /// A worker's store and the limiter that goes with it (for Redis, one connection serves
    /// both). The store is also its outbox of webhook events.
    public func makeWithLimiter() -> (store: any TokenStore & DeliveryQueue, limiter: any RateLimiter) {
        switch self {
        case .file(let store, let limiter): (store, limiter)
        case let .redis(options, quota):
            { (redis: RedisTokenStore) in (redis, redis) }(RedisTokenStore(options: options, quota: quota))
        }
    }

    /// The lease named `name` where this store's processes meet: a `flock` in the store
    /// directory, or a key on the Redis every node uses (expiring after `ttlMilliseconds`
    /// unless renewed; a file lease needs no TTL, the kernel drops it with its holder).
    public func lease(_ name: String, ttlMilliseconds: Int64) -> any Lease {
        switch self {
        case .file(let store, _): FileLease(directory: store.directory, name: name)
        case .redis(let options, _): RedisLease(options: options, name: name, ttlMilliseconds: ttlMilliseconds)
        }
    }
}
