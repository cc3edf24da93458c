#if canImport(Glibc)
import Glibc
#endif

/// The environment variables the commands read: `EKYC_*` (`EKYC_CONFIG` and the config
/// overrides, `docs/CONFIGURATION.md`) and `TENCENTCLOUD_*` (credentials, as Tencent's SDKs take
/// them). Taken from `environ` without decoding the others: a CGI process gets thirty or more
/// from the web server, and decoding all of them into a dictionary (`ProcessInfo.environment`)
/// was a tenth of a CGI callback's instructions.
public enum ProcessEnvironment {
    public static let prefixes = ["EKYC_", "TENCENTCLOUD_"]

    /// This process's variables with one of `prefixes`.
    public static func relevant() -> [String: String] {
        relevant(environ)
    }

    /// The `NAME=value` entries of a NULL-terminated array (as `environ`) whose name starts with
    /// one of `prefixes`; the first of two entries with one name wins, as with `getenv`.
    public static func relevant(_ entries: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String: String] {
        var found: [String: String] = [:]
        guard var entry = entries else { return found }
        while let pointer = entry.pointee {
            defer { entry += 1 }
            guard prefixes.contains(where: { prefix in strncmp(pointer, prefix, prefix.utf8.count) == 0 }),
                  let equals = strchr(pointer, Int32(UInt8(ascii: "="))) else { continue }
            let name = String(decoding: UnsafeRawBufferPointer(start: pointer, count: equals - pointer), as: UTF8.self)
            if found[name] == nil { found[name] = String(cString: equals + 1) }
        }
        return found
    }
}
