// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets over the parsers and handlers of the main package, in a package of their
/// own so the main package's build is untouched. `scripts/fuzz` builds them with
/// `-sanitize=fuzzer`; built without it, each binary replays the files named on its command line.
let fuzzTargets = [
    "query-cookie", "multipart", "token-id", "signed-link", "upstream-json", "token-record", "tc3-authorization",
    "start", "callback",
]

let package = Package(
    name: "ekyc-gate-fuzz",
    dependencies: [.package(name: "ekyc-gate", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .target(name: "FuzzSupport", dependencies: [
            "FuzzDriver", .product(name: "EKYCGate", package: "ekyc-gate"),
        ]),
    ] + fuzzTargets.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: [
            "FuzzSupport", .product(name: "EKYCGate", package: "ekyc-gate"),
        ], path: "Sources/fuzz-\(name)")
    },
    swiftLanguageModes: [.v6]
)
