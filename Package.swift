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
        // CCurl is the one C target with code: it loads libcurl with dlopen on the first API call
        // (its headers come from libcurl4-openssl-dev and libssl-dev, the library from libcurl4).
        .target(name: "CCurl"),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CMalloc"),

        .target(name: "EKYCCrypto", dependencies: ["CCrypto"]),
        .target(name: "Locking"),
        // Typed, escaped log lines: the one format every module writes (the store without
        // depending on FastCGI for it).
        .target(name: "LogLines"),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "Locking", "LogLines"]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "Locking"]),
        .target(name: "RedisClient", dependencies: ["CHiredis"]),
        .target(name: "EKYCGate", dependencies: ["EKYCCrypto", "FastCGI", "HTTPClient", "RedisClient", "CMalloc", "LogLines", "Locking"]),
        .target(name: "EKYCSandbox", dependencies: ["EKYCGate", "EKYCCrypto", "FastCGI"]),

        .executableTarget(name: "ekyc-start", dependencies: ["EKYCGate", "FastCGI"]),
        .executableTarget(name: "ekyc-callback", dependencies: ["EKYCGate", "FastCGI"]),
        .executableTarget(name: "ekyc-sandbox", dependencies: ["EKYCSandbox", "EKYCGate", "FastCGI"]),

        .testTarget(name: "EKYCCryptoTests", dependencies: ["EKYCCrypto"]),
        .testTarget(name: "FastCGITests", dependencies: ["FastCGI", "Locking"]),
        .testTarget(name: "EKYCGateTests", dependencies: ["EKYCGate", "EKYCCrypto", "FastCGI", "HTTPClient", "RedisClient"]),
        .testTarget(name: "EKYCSandboxTests", dependencies: ["EKYCSandbox", "EKYCGate", "FastCGI"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system && target.name != "CCurl" {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
