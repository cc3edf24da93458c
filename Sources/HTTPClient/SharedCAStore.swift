#if canImport(Glibc)
import Glibc
#endif
import CCurl

/// The process's CA stores, one per CA file, loaded once and kept for the life of the process
/// (a handful at most: the configured `ca_file`, or the system's).
enum SharedCAStore {
    // A pthread mutex, not Synchronization's Mutex: on Linux that one hands a contended lock over
    // in the kernel (a priority-inheritance futex), where ThreadSanitizer cannot see it, and the
    // sanitizer run then reports a race that is not there.
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    /// Guarded by `lock`.
    nonisolated(unsafe) private static var byFile: [String: OpaquePointer] = [:]

    static func store(file: String?) -> OpaquePointer? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let key = file ?? ""
        if let store = byFile[key] { return store }
        guard let store = ekyc_ca_store_new(file) else { return nil }
        byFile[key] = store
        return store
    }
}
