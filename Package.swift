// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "conet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "conet", targets: ["conet"]),
        .library(name: "ConetCore", targets: ["ConetCore"]),
        // For the libFuzzer package in Fuzz/, which builds these entry points with the sanitizers.
        .library(name: "ConetFuzzTargets", targets: ["ConetFuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/apple/swift-nio", "2.101.2"..<"2.102.0"),
        .package(url: "https://github.com/apple/swift-log", "1.16.2"..<"2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // glibc's <malloc.h>, for AllocatorTuning (part of libc: nothing to install or link).
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "ConetCore",
            dependencies: [
                "CSecp256k1", "CSodium", "CZstd", "CMalloc",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.embedInCode("Resources/bip39-english.txt")]
        ),
        .executableTarget(
            name: "conet",
            dependencies: [
                "ConetCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // A link to docs/THREAT-MODEL.md: the binary prints the same text (`--threat-model`).
            resources: [.embedInCode("Resources/THREAT-MODEL.md")]
        ),
        // One entry point per parser for libFuzzer (Fuzz/, `make fuzz`); the tests replay the corpus
        // and every saved crash through the same functions.
        .target(
            name: "ConetFuzzTargets",
            dependencies: [
                "ConetCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ConetCoreTests",
            // GRDB, to write a store in an older schema that the migration test then opens.
            dependencies: ["ConetCore", "ConetFuzzTargets", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ConetCLITests",
            dependencies: ["ConetCore"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
