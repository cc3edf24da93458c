/// How the file store treats its directory (`store_create`). A store that vanished (an
/// unmounted disk, a wrong path after a move) must not be silently recreated empty, which
/// would answer every pending verification "unknown token": the handlers refuse to start
/// unless the directory exists or this says to create it.
public struct FileStoreOptions: Sendable, Equatable {
    /// `store_create = true`: make a missing store directory (mode 0700; its parent must exist).
    public var create: Bool

    public static let configKeys: Set<String> = ["store_create"]

    public init(create: Bool = false) {
        self.create = create
    }

    public init(config file: ConfigFile) throws(ConfigError) {
        create = try file.bool("store_create", default: false)
    }
}
