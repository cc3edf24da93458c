/// Standard base64 (RFC 4648, with padding), written straight into a byte buffer so an uploaded
/// photo goes into the API request body without intermediate copies.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encodedCount(_ byteCount: Int) -> Int { (byteCount + 2) / 3 * 4 }

    public static func encode(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + encodedCount(bytes.count))
        bytes.withUnsafeBufferPointer { input in
            var index = 0
            let count = input.count
            while index + 3 <= count {
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                out.append(alphabet[Int(value >> 18 & 63)])
                out.append(alphabet[Int(value >> 12 & 63)])
                out.append(alphabet[Int(value >> 6 & 63)])
                out.append(alphabet[Int(value & 63)])
                index += 3
            }
            let rest = count - index
            if rest > 0 {
                let value = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
                out.append(alphabet[Int(value >> 18 & 63)])
                out.append(alphabet[Int(value >> 12 & 63)])
                out.append(rest == 2 ? alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "="))
                out.append(UInt8(ascii: "="))
            }
        }
    }

    public static func encode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The 6-bit value of an alphabet byte; nil for anything else (padding included).
    static func value(of byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    /// Alphabet bytes only, with `=` allowed only as the last one or two (padding). The length
    /// is not checked: a sender that dropped the padding still sends decodable base64.
    public static func isWellFormed(_ text: some Collection<UInt8>) -> Bool {
        var padding = 0
        for byte in text {
            if byte == UInt8(ascii: "=") {
                padding += 1
                if padding > 2 { return false }
            } else if padding > 0 || value(of: byte) == nil {
                return false
            }
        }
        return true
    }

    /// The first `count` decoded bytes (fewer when the text is shorter), decoding 6 bits per
    /// character, so any prefix, cut inside a 4-character quantum or not, gives exactly the first
    /// bytes of the whole; stops at padding; nil on a byte outside the alphabet.
    public static func decodedHead(_ text: some Collection<UInt8>, bytes count: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text {
            if out.count >= count || byte == UInt8(ascii: "=") { break }
            guard let sextet = value(of: byte) else { return nil }
            buffer = (buffer << 6 | sextet) & 0xFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return out
    }
}
