// swift-tools-version:6.1
import PackageDescription

/// Settings every target shares: strict module hygiene as in swift-nio and hummingbird.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-iam",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "iam", targets: ["iam"]),
        .executable(name: "iamctl", targets: ["iamctl"]),
        .library(name: "PolicyEngine", targets: ["PolicyEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Ladon-compatible policy decisions. Pure: no I/O, no dependencies.
        .target(name: "PolicyEngine", swiftSettings: strictSettings),
        // VRRP: packet codec, keepalived.conf, the protocol state machine. Pure: sockets live at the edge.
        .target(
            name: "VRRP",
            dependencies: [.product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: strictSettings
        ),
        // `iam policy eval|lint`: reads files, formats decisions. I/O edge of the policy engine.
        .target(name: "PolicyTool", dependencies: ["PolicyEngine"], swiftSettings: strictSettings),
        .executableTarget(
            name: "iam",
            dependencies: [
                "PolicyTool",
                "VRRP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "iamctl",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        .target(name: "CHeapStats", path: "Benchmarks/CHeapStats"),
        .executableTarget(
            name: "policy-bench",
            dependencies: ["PolicyEngine", "PolicyTool", "CHeapStats"],
            path: "Benchmarks/PolicyBench",
            swiftSettings: strictSettings
        ),
        // Helpers shared by the test targets: scratch directories, paths into ../shared.
        .target(name: "IAMTestSupport", path: "Tests/IAMTestSupport", swiftSettings: strictSettings),
        .testTarget(name: "PolicyEngineTests", dependencies: ["PolicyEngine", "IAMTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "VRRPTests", dependencies: ["VRRP", "IAMTestSupport"], swiftSettings: strictSettings),
        // Runs the built `iam` binary as a user would.
        .testTarget(name: "IAMCommandTests", dependencies: ["IAMTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "PolicyToolTests", dependencies: ["PolicyTool", "PolicyEngine", "IAMTestSupport"], swiftSettings: strictSettings),
    ]
)
