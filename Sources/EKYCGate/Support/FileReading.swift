#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole small file (config, secret, record) with plain syscalls.
public enum FileReading {
    public struct Failure: Error, Sendable {
        public var path: String
        public var errno: Int32
        public var reason: String { String(cString: strerror(errno)) }
    }

    public static func bytes(atPath path: String, limit: Int = 64 << 20) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, errno: errno) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}
