#if canImport(Glibc)
import Glibc
#endif
import CHiredis

/// One blocking hiredis connection (`redisContext`), owned by one thread at a time and freed in
/// `deinit`. Commands are argument vectors, never format strings, so any bytes are safe.
/// After a `RedisError` the connection is broken for good: drop it and connect again.
public final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    public let address: String
    public private(set) var isBroken = false

    /// hiredis writes with write(2); a server that went away must not kill the process with
    /// SIGPIPE (the FastCGI server ignores it too; this covers CGI mode and tools).
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Connects to `host:port` within `connectTimeoutMilliseconds`; later commands wait at most
    /// `commandTimeoutMilliseconds` for their reply.
    public init(host: String, port: Int, connectTimeoutMilliseconds: Int, commandTimeoutMilliseconds: Int) throws(RedisError) {
        _ = Self.ignoreSIGPIPE
        address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard let context = ekyc_redis_connect(host, Int32(port), connectTimeoutMilliseconds) else {
            throw RedisError(kind: .connect, address: address, message: "cannot allocate a Redis context")
        }
        if context.pointee.err != 0 {
            let code = errno
            let error = RedisError(kind: .connect, address: address, message: String(cString: ekyc_redis_errstr(context)), errno: code)
            redisFree(context)
            throw error
        }
        self.context = context
        if ekyc_redis_set_timeout(context, commandTimeoutMilliseconds) != REDIS_OK {
            redisFree(context)
            throw RedisError(kind: .other, address: address, message: "cannot set the command timeout")
        }
    }

    deinit { redisFree(context) }

    /// Changes how long later commands wait for their reply (`WAIT` needs its own timeout plus
    /// the round trip). False when the socket refused the option.
    @discardableResult
    public func setCommandTimeout(milliseconds: Int) -> Bool {
        ekyc_redis_set_timeout(context, milliseconds) == REDIS_OK
    }

    /// Sends one command and waits for its reply. An error *reply* is returned as `.error`;
    /// only a command that got no reply throws.
    public func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        guard !isBroken else { throw RedisError(kind: .connectionLost, address: address, message: "connection already broken") }
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        pointers.reserveCapacity(arguments.count)
        // Copies of the arguments that live until the call returns (hiredis copies them into its buffer).
        let buffers = arguments.map { bytes -> UnsafeMutableBufferPointer<CChar> in
            let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: bytes.count) }
            }
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        for (index, buffer) in buffers.enumerated() {
            pointers.append(UnsafePointer(buffer.baseAddress))
            lengths.append(arguments[index].count)
        }
        errno = 0
        let raw = pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { lens in
                ekyc_redis_command_argv(context, Int32(arguments.count), argv.baseAddress, lens.baseAddress)
            }
        }
        guard let raw else { throw brokenError() }
        defer { freeReplyObject(raw) }
        return Self.convert(raw)
    }

    /// Convenience for text-only commands.
    public func command(_ arguments: String...) throws(RedisError) -> RedisReply {
        try command(arguments.map { Array($0.utf8) })
    }

    private func brokenError() -> RedisError {
        let code = errno
        isBroken = true
        let message = String(cString: ekyc_redis_errstr(context))
        let kind: RedisError.Kind
        switch context.pointee.err {
        case REDIS_ERR_EOF: kind = .connectionLost
        case REDIS_ERR_IO where code == EAGAIN || code == EWOULDBLOCK || code == ETIMEDOUT: kind = .timeout
        case REDIS_ERR_IO where code == ECONNRESET || code == EPIPE: kind = .connectionLost
        default: kind = .other
        }
        return RedisError(kind: kind, address: address, message: message.isEmpty ? "no reply" : message, errno: code)
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .string(r.str.map { Array(UnsafeRawBufferPointer(start: $0, count: r.len)) } ?? [])
        case REDIS_REPLY_STATUS:
            return .status(text(r))
        case REDIS_REPLY_ERROR:
            return .error(text(r))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            return .array((0..<r.elements).compactMap { r.element[$0].map(convert) })
        default:
            return .null
        }
    }

    private static func text(_ r: redisReply) -> String {
        guard let str = r.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: str, count: r.len), as: UTF8.self)
    }
}
