import CCurl
import Locking

/// The process's CA stores, one per CA file, loaded once and kept for the life of the process
/// (a handful at most: the configured `ca_file`, or the system's). Used once libcurl is loaded.
enum SharedCAStore {
    private static let lock = Lock()
    /// Guarded by `lock`.
    nonisolated(unsafe) private static var byFile: [String: UnsafeMutableRawPointer] = [:]

    static func store(file: String?) -> UnsafeMutableRawPointer? {
        lock.withLock {
            let key = file ?? ""
            if let store = byFile[key] { return store }
            guard let store = ekyc_ca_store_new(file) else { return nil }
            byFile[key] = store
            return store
        }
    }
}
