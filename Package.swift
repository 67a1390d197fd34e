// swift-tools-version:6.0
import PackageDescription

// liblever.so: the engine plus its C entry points, with the Swift runtime linked in statically
// (release builds) and only the `lever_*` symbols of include/lever.h exported. The static Swift runtime
// already needs the system's libstdc++.so.6, which the HNSW shim (CHnsw, C++) shares.
let sharedLibraryLinkerFlags: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-Xlinker", "--version-script=Sources/LeverEngine/exports.map",
                  "-Xlinker", "-soname=liblever.so.1"],
                 .when(configuration: .release)),
]

let package = Package(
    name: "Lever",
    products: [
        .library(name: "lever", type: .dynamic, targets: ["LeverEngine"]),
        .executable(name: "lever-cli", targets: ["LeverCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The public header's types, cblas and json-c, plus a few hidden C helpers.
        .target(
            name: "CLever",
            linkerSettings: [.linkedLibrary("openblas"), .linkedLibrary("json-c"), .linkedLibrary("m")]
        ),
        // Approximate nearest-neighbour search: a C layer over Debian's header-only hnswlib
        // (libhnswlib-dev), hidden inside liblever.so like CLever.
        .target(name: "CHnsw", dependencies: ["CLever"]),
        .target(
            name: "LeverEngine",
            dependencies: ["CLever", "CHnsw"],
            exclude: ["exports.map"],
            linkerSettings: sharedLibraryLinkerFlags
        ),
        // What only the `lever` tool needs (dataset builders, the end-to-end run, text tables, the SVG
        // chart, benchmark measurements): linked into the CLI and the tests, never into liblever.so.
        .target(name: "LeverTools", dependencies: ["LeverEngine", "CLever"]),
        .executableTarget(
            name: "LeverCLI",
            dependencies: ["CLever", "LeverEngine", "LeverTools",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "LeverEngineTests", dependencies: ["LeverEngine", "LeverTools", "CLever"]),
    ],
    cxxLanguageStandard: .cxx17
)
