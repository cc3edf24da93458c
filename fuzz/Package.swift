// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets over the parsers of the main package. Built only by `scripts/fuzz`
/// (with `-sanitize=fuzzer`, which supplies `main`), so the main package's build is untouched.
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
