#if canImport(Glibc)
import Glibc
#endif

/// Reads a request the same way whichever process model delivered it: the params from a
/// NULL-terminated `NAME=value` array (libfcgi's `envp` or CGI's `environ`), the body from a
/// byte source (libfcgi's input stream or standard input).
enum RequestReader {
    /// The params, copied out of C memory.
    static func params(_ envp: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String: String] {
        var params: [String: String] = [:]
        guard var cursor = envp else { return params }
        params.reserveCapacity(48)
        while let entry = cursor.pointee {
            // Split on the byte '=': a String split would walk Characters, several times slower.
            let length = strlen(entry)
            entry.withMemoryRebound(to: UInt8.self, capacity: length + 1) { bytes in
                let pair = UnsafeBufferPointer(start: bytes, count: length)
                if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                    params[String(decoding: UnsafeBufferPointer(rebasing: pair[..<eq]), as: UTF8.self)] =
                        String(decoding: UnsafeBufferPointer(rebasing: pair[(eq + 1)...]), as: UTF8.self)
                }
            }
            cursor += 1
        }
        return params
    }

    /// `CONTENT_LENGTH` as a count of bytes to read: 0 when absent, negative or not a number.
    static func declaredLength(_ params: [String: String]) -> Int {
        max(params["CONTENT_LENGTH"].flatMap { Int($0) } ?? 0, 0)
    }

    /// Up to `count` bytes from `read`, which fills a buffer and returns how many bytes it put
    /// there (0 or less at the end of the input or on an error). A short body is returned short.
    static func body(count: Int, read: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: max(count, 0))
        var filled = 0
        while filled < body.count {
            let got = body.withUnsafeMutableBytes { buffer in
                // At most 1 MiB per call: libfcgi's length is an Int32.
                read(UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<min(buffer.count, filled + (1 << 20))]))
            }
            if got <= 0 { break }
            filled += got
        }
        body.removeSubrange(filled...)
        return body
    }
}
