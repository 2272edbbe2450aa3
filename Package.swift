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
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
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
        // Users, secrets and policies as the API speaks them: validation rules, instance IDs, JSON shapes. Pure.
        .target(name: "IAMResources", dependencies: ["PolicyEngine"], swiftSettings: strictSettings),
        // HMAC-signed JSON Web Tokens (HS256/384/512): the login tokens and the secret-signed authz tokens.
        .target(
            name: "IAMTokens",
            dependencies: ["PolicyEngine", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The store: one interface, SQLite (embedded default) and PostgreSQL behind the same SQL code.
        .target(
            name: "IAMStore",
            dependencies: [
                "IAMResources",
                "PolicyEngine",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Settings files: YAML flattened to dotted keys with line numbers, Go durations.
        .target(
            name: "IAMConfiguration",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // `iam apiserver`: the REST management plane on Hummingbird 2.
        .target(
            name: "APIServer",
            dependencies: [
                "IAMResources",
                "IAMStore",
                "IAMTokens",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "IAMConfiguration",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `iam authz`: decisions on SwiftNIO channel handlers over a snapshot the change feed keeps current; audit
        // records shipped in batches to the apiservers' queue.
        .target(
            name: "AuthzServer",
            dependencies: [
                "HTTPWire", "IAMResources", "IAMTokens", "IAMConfiguration", "PolicyEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Health and metrics listeners of the background roles (pump, watcher), on Hummingbird.
        .target(
            name: "ManagementHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `iam pump`: drains the audit queue in batches into sinks (csv, jsonl, archive table, Prometheus, stdout).
        .target(
            name: "Analytics",
            dependencies: [
                "IAMStore", "IAMConfiguration", "IAMResources", "ManagementHTTP", "PolicyEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `iam watcher`: scheduled housekeeping with one leader at a time.
        .target(
            name: "Watcher",
            dependencies: [
                "IAMStore", "IAMConfiguration", "IAMResources", "ManagementHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The apiserver's client (iamctl's engine): settings, credentials, calls.
        .target(
            name: "IAMClient",
            dependencies: [
                "IAMConfiguration", "IAMTokens", "PolicyEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // `iam policy eval|lint`: reads files, formats decisions. I/O edge of the policy engine.
        .target(name: "PolicyTool", dependencies: ["PolicyEngine"], swiftSettings: strictSettings),
        .executableTarget(
            name: "iam",
            dependencies: [
                "PolicyTool",
                "VRRP",
                "APIServer",
                "AuthzServer",
                "Analytics",
                "Watcher",
                "IAMConfiguration",
                "IAMStore",
                "Balancer", "BalancerConfiguration",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "iamctl",
            dependencies: [
                "IAMClient", "IAMResources", "IAMTokens", "IAMConfiguration", "PolicyEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "CHeapStats", path: "Benchmarks/CHeapStats"),
        .executableTarget(
            name: "policy-bench",
            dependencies: ["PolicyEngine", "PolicyTool", "CHeapStats"],
            path: "Benchmarks/PolicyBench",
            swiftSettings: strictSettings
        ),
        // `iam lb` configuration: the HAProxy and nginx dialects parsed into one model. Pure.
        .target(name: "BalancerConfiguration", swiftSettings: strictSettings),
        // Byte-level HTTP/1.x pieces shared by the raw-byte readers of authz and the load balancer. Pure.
        .target(name: "HTTPWire", dependencies: [.product(name: "NIOCore", package: "swift-nio")], swiftSettings: strictSettings),
        // `iam lb`: the proxy engine on SwiftNIO channel handlers, balancing, health checks, metrics. Its handlers are
        // confined to their event loops, so release builds drop the dynamic exclusivity checks (measured: ~5% of
        // the proxy's CPU per request); the static checks stay.
        .target(
            name: "Balancer",
            dependencies: [
                "BalancerConfiguration", "HTTPWire", "ManagementHTTP",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // Helpers shared by the test targets: scratch directories, paths into ../shared.
        .target(name: "IAMTestSupport", path: "Tests/IAMTestSupport", swiftSettings: strictSettings),
        .testTarget(name: "PolicyEngineTests", dependencies: ["PolicyEngine", "IAMTestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "VRRPTests", dependencies: ["VRRP", "IAMTestSupport"], swiftSettings: strictSettings),
        // Runs the built `iam` binary as a user would.
        .testTarget(
            name: "IAMCommandTests",
            dependencies: [
                "IAMTestSupport", "IAMStore", "IAMTokens", "PolicyEngine",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IAMResourcesTests",
            dependencies: ["IAMResources", "IAMTokens", "PolicyEngine", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "APIServerTests",
            dependencies: [
                "APIServer", "IAMStore", "IAMResources", "IAMTokens", "IAMTestSupport", "PolicyEngine", "IAMConfiguration",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AuthzServerTests",
            dependencies: [
                "AuthzServer", "IAMResources", "IAMTokens", "PolicyEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AnalyticsTests",
            dependencies: ["Analytics", "IAMConfiguration", "IAMResources", "IAMTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "BalancerConfigurationTests", dependencies: ["BalancerConfiguration", "IAMTestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "BalancerTests",
            dependencies: [
                "Balancer", "BalancerConfiguration", "IAMTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "PolicyToolTests", dependencies: ["PolicyTool", "PolicyEngine", "IAMTestSupport"], swiftSettings: strictSettings),
    ]
)
