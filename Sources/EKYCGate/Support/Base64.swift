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
}
