import Synchronization
import CCurl

/// The process's CA stores, one per CA file, loaded once and kept for the life of the process
/// (a handful at most: the configured `ca_file`, or the system's).
enum SharedCAStore {
    private struct Stores: @unchecked Sendable { var byFile: [String: OpaquePointer] = [:] }
    private static let stores = Mutex(Stores())

    static func store(file: String?) -> OpaquePointer? {
        stores.withLock { stores in
            let key = file ?? ""
            if let store = stores.byFile[key] { return store }
            guard let store = ekyc_ca_store_new(file) else { return nil }
            stores.byFile[key] = store
            return store
        }
    }
}
