// swift-tools-version:6.0
import PackageDescription

/// Settings every Swift target gets, applied in one loop at the end.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ekyc-gate",
    products: [
        .library(name: "EKYCGate", type: .static, targets: ["EKYCGate", "EKYCSandbox"]),
        .executable(name: "ekyc-start", targets: ["ekyc-start"]),
        .executable(name: "ekyc-callback", targets: ["ekyc-callback"]),
        .executable(name: "ekyc-sandbox", targets: ["ekyc-sandbox"]),
    ],
    targets: [
        // C at the edge: one thin system-library target per library, each imported by one Swift target.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev", "libssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CMalloc"),

        .target(name: "EKYCCrypto", dependencies: ["CCrypto"]),
        .target(name: "Locking"),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "Locking"]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "Locking"]),
        .target(name: "RedisClient", dependencies: ["CHiredis"]),
        .target(name: "EKYCGate", dependencies: ["EKYCCrypto", "FastCGI", "HTTPClient", "RedisClient", "CMalloc"]),
        .target(name: "EKYCSandbox", dependencies: ["EKYCGate", "EKYCCrypto", "FastCGI"]),

        .executableTarget(name: "ekyc-start", dependencies: ["EKYCGate", "FastCGI"]),
        .executableTarget(name: "ekyc-callback", dependencies: ["EKYCGate", "FastCGI"]),
        .executableTarget(name: "ekyc-sandbox", dependencies: ["EKYCSandbox", "EKYCGate", "FastCGI"]),

        .testTarget(name: "EKYCCryptoTests", dependencies: ["EKYCCrypto"]),
        .testTarget(name: "FastCGITests", dependencies: ["FastCGI"]),
        .testTarget(name: "EKYCGateTests", dependencies: ["EKYCGate", "EKYCCrypto", "FastCGI", "HTTPClient", "RedisClient"]),
        .testTarget(name: "EKYCSandboxTests", dependencies: ["EKYCSandbox", "EKYCGate", "FastCGI"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
