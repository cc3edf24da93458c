import EKYCCrypto
import RedisClient

/// The limiter of the Redis store: GCRA in one Lua script, so every node counts against the
/// same TAT, read and written atomically. Redis's own clock (`TIME`) is the one `now`, so
/// nodes whose clocks drift apart still agree; a key lives exactly as long as it carries state.
extension RedisTokenStore: RateLimiter {
    public static let limitKeyPrefix = "ekyc:limit:"

    /// KEYS[1] the key; ARGV[1] the interval and ARGV[2] the tolerance, in milliseconds.
    /// Returns 0 when allowed, else the milliseconds to wait.
    static let gcraScript = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local interval = tonumber(ARGV[1])
        local tolerance = tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tat < now then tat = now end
        local next = tat + interval
        if next - now > tolerance then
          return next - now - tolerance
        end
        redis.call('SET', KEYS[1], string.format('%d', next), 'PX', string.format('%d', next - now))
        return 0
        """

    public func take(_ key: String, rate: Rate, now: Int64) throws(StoreError) -> LimitDecision {
        let redisKey = Self.limitKeyPrefix + SHA256.hexHash(key)
        let interval = rate.intervalMilliseconds
        let tolerance = interval.saturatingMultiply(rate.count)
        let reply = try run(key: redisKey) { _ in
            [Array("EVAL".utf8), Array(Self.gcraScript.utf8), Array("1".utf8), Array(redisKey.utf8),
             Array(String(interval).utf8), Array(String(tolerance).utf8)]
        }
        switch reply {
        case .integer(0): return .allow
        case .integer(let wait): return .refuse(retryAfterMilliseconds: wait)
        case .error(let message): throw StoreError(call: "EVAL", path: redisKey, errno: 0, detail: "Redis answered: \(message)")
        default: throw StoreError(call: "EVAL", path: redisKey, errno: 0, detail: "unexpected reply \(reply)")
        }
    }
}
