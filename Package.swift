// swift-tools-version: 6.0
// bf — a notebook-style REPL and task language for federated learning across data pods.
// The targets mirror the layers of the architecture: bf → REPL (line editing), bf → Kernel
// (Jupyter) → Interpreter → Language, Interpreter → Federation → Learning → COpenBLAS, and
// bf → Transport (gRPC) → Federation. The benchmark drivers (Benchmarks/) and the REPL's test
// fixture (Tests/Fixtures/) come after the layers, in a block of their own.
import PackageDescription

/// Async functions run on their caller's executor unless they say otherwise: the interpreter's
/// session is single-threaded state driven from the command line's main task.
let callerIsolated: [SwiftSetting] = [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]

let package = Package(
    name: "bf",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bf", targets: ["bf"]),
        // For the fuzz targets in Fuzz/, a package of its own that depends on this one by path.
        .library(name: "BFLanguage", targets: ["Language"]),
        .library(name: "BFInterpreter", targets: ["Interpreter"]),
        .library(name: "BFFederation", targets: ["Federation"]),
        .library(name: "BFLearning", targets: ["Learning"]),
        .library(name: "BFTransport", targets: ["Transport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibEdit", path: "Sources/CLibEdit", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        // OpenBLAS, loaded on first use (dlopen) so that start-up does no BLAS work.
        .target(name: "COpenBLAS"),
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),

        // The one shape of a problem a user reads (Problem, ProblemError) and the one did-you-mean.
        .target(name: "Diagnostics"),
        // Reading and writing users' files: atomic writes, regular files only, clear reasons.
        .target(name: "Files"),
        .target(name: "Language", dependencies: ["Diagnostics"]),
        .target(name: "Learning", dependencies: [
            "COpenBLAS", "Diagnostics", "Files",
            // AES-256-CTR for DP-SGD's noise (Sources/Learning/Privacy/SecureRandom.swift).
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
        ]),
        .target(name: "Federation", dependencies: [
            "Diagnostics", "Learning", "Files",
            .product(name: "GRDB", package: "GRDB.swift"),
            // SQLite's C API, for the query authorizer and progress handler GRDB does not expose.
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // Pods over gRPC: the pod and relay services (generated from Protos/*.proto by
        // scripts/generate-transport), PodServer, RemotePodConnection, and the relay
        // (RelayServer) with the pods that dial it (RelayedPodServer).
        .target(name: "Transport", dependencies: [
            "Diagnostics", "Federation", "Learning",
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["Protos"]),
        .target(name: "Interpreter", dependencies: [
            "Language", "Diagnostics", "Federation", "Learning", "Files",
            .product(name: "OrderedCollections", package: "swift-collections"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: callerIsolated),
        // bf as a Jupyter kernel: the messaging protocol over ZeroMQ, around one session.
        .target(name: "Kernel", dependencies: [
            "Interpreter", "Language", "CZeroMQ", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: callerIsolated),
        .target(name: "REPL", dependencies: ["CLibEdit", "Diagnostics", "Files"], swiftSettings: callerIsolated),
        .executableTarget(name: "bf", dependencies: [
            "REPL", "Kernel", "Interpreter", "Language", "Federation", "Learning", "Transport", "Diagnostics", "Files",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: callerIsolated),

        // Benchmarks (scripts/bench): one driver per layer measured, and what they share.
        .target(name: "BenchmarkSupport", dependencies: ["Learning"], path: "Benchmarks/BenchmarkSupport"),
        .executableTarget(name: "bf-bench-language", dependencies: ["Language"], path: "Benchmarks/bf-bench-language"),
        .executableTarget(name: "bf-bench-learning", dependencies: ["BenchmarkSupport", "Learning"],
                          path: "Benchmarks/bf-bench-learning"),
        .executableTarget(name: "bf-bench-federation", dependencies: ["Federation"], path: "Benchmarks/bf-bench-federation"),
        .executableTarget(name: "bf-bench-aggregation", dependencies: [
            "BenchmarkSupport", "Federation", .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Benchmarks/bf-bench-aggregation"),
        .executableTarget(name: "bf-bench-training", dependencies: ["BenchmarkSupport", "Federation", "Learning"],
                          path: "Benchmarks/bf-bench-training"),
        .executableTarget(name: "bf-bench-federated", dependencies: ["BenchmarkSupport", "Federation", "Learning"],
                          path: "Benchmarks/bf-bench-federated"),
        .executableTarget(name: "bf-bench-networked", dependencies: ["BenchmarkSupport", "Federation", "Learning", "Transport"],
                          path: "Benchmarks/bf-bench-networked"),

        // Test fixture: the REPL with a stand-in engine, driven through a pseudo-terminal by EndToEndTests.
        .executableTarget(name: "repl-fixture", dependencies: ["REPL"], path: "Tests/Fixtures/repl-fixture"),
        // What several test targets share: the built bf and its runs, `bf pod serve` as a child
        // process, a scratch home with the demo federation, tutorial 5's notebook cells.
        .target(name: "BFTestSupport", dependencies: ["Federation"], path: "Tests/BFTestSupport"),

        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "FilesTests", dependencies: ["Files"]),
        .testTarget(name: "LanguageTests", dependencies: ["BFTestSupport", "Language"]),
        .testTarget(name: "InterpreterTests", dependencies: ["BFTestSupport", "Interpreter", "Language", "Federation"],
                    swiftSettings: callerIsolated),
        .testTarget(name: "LearningTests", dependencies: ["Learning"]),
        .testTarget(name: "FederationTests", dependencies: [
            "BenchmarkSupport", "BFTestSupport", "Federation", "Learning",
            .product(name: "CSV", package: "CSV.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "REPLTests", dependencies: ["REPL"]),
        .testTarget(name: "BenchmarkSupportTests", dependencies: ["BenchmarkSupport", "Learning"]),
        .testTarget(name: "TransportTests", dependencies: [
            "BFTestSupport", "Transport", "Federation", "Learning", "bf",
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: ["BFTestSupport", "bf", "repl-fixture", "Kernel", "Federation"],
                    resources: [.copy("Golden"), .copy("BadInputs")]),
    ]
)
