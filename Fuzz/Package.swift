// swift-tools-version: 5.4
// Fuzz targets for bf's input surfaces, one executable per surface, built with libFuzzer and
// AddressSanitizer by scripts/fuzz (never by the main package's build or tests):
//   swift build --package-path Fuzz --scratch-path .build-fuzz -c release \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product fuzz-frontend
// Each target defines LLVMFuzzerTestOneInput and libFuzzer supplies main. The tools version
// stays below 5.5, from which SwiftPM renames an executable's entry point and links `main` to
// it: that `main` would clash with libFuzzer's.
import PackageDescription

let package = Package(
    name: "bf-fuzz",
    dependencies: [
        .package(name: "bf", path: ".."),
    ],
    targets: [
        // The front end: lexer, parser, checker and the rendering of their diagnostics.
        .executableTarget(name: "fuzz-frontend", dependencies: [
            .product(name: "BFLanguage", package: "bf"),
            .product(name: "BFInterpreter", package: "bf"),
        ]),
        // A pod's CSV reader: CSVSource.load on a file holding the input.
        .executableTarget(name: "fuzz-csv", dependencies: [.product(name: "BFFederation", package: "bf")]),
        // The pod YAML reader (bf pod create, load_pod_config).
        .executableTarget(name: "fuzz-pod-yaml", dependencies: [.product(name: "BFFederation", package: "bf")]),
        // The task YAML reader (bf run task.yaml).
        .executableTarget(name: "fuzz-task-yaml", dependencies: [
            .product(name: "BFLanguage", package: "bf"),
            .product(name: "BFInterpreter", package: "bf"),
        ]),
        // A home's federation.yaml.
        .executableTarget(name: "fuzz-federation-yaml", dependencies: [.product(name: "BFFederation", package: "bf")]),
        // The safetensors reader and the classifier checkpoint read through it.
        .executableTarget(name: "fuzz-safetensors", dependencies: [.product(name: "BFLearning", package: "bf")]),
        // The pod server's reading of every call (its signature envelope and messages) and a
        // modeller's reading of every pod answer.
        .executableTarget(name: "fuzz-wire", dependencies: [
            .product(name: "BFTransport", package: "bf"),
            .product(name: "BFFederation", package: "bf"),
        ]),
    ]
)
