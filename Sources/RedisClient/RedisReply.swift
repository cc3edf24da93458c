/// One Redis reply as a Swift value, copied out of hiredis's reply object before it is freed.
public enum RedisReply: Sendable, Equatable {
    case string([UInt8])
    case status(String)
    case integer(Int64)
    case null
    case array([RedisReply])
    /// An error reply (`-ERR …`, `-NOSCRIPT …`, `-WRONGPASS …`): Redis answered, the command failed.
    case error(String)

    /// The bulk or status string as text, for replies that are text.
    public var text: String? {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text), .error(let text): text
        default: nil
        }
    }

    public var isError: Bool {
        if case .error = self { true } else { false }
    }
}
