// swift-tools-version:6.0
import PackageDescription

// The libFuzzer build of conet's parsers: one executable, `conet-fuzz`, that runs the target
// named by how it is called (`fuzz-armor` runs the armor target; see main.swift). It is a package
// of its own so that a plain `swift build` of conet never needs the fuzzer runtime; the Makefile
// builds it with `-sanitize=fuzzer,address` into `.build-fuzz` (`make fuzz`).
let package = Package(
    name: "conet-fuzz",
    dependencies: [
        .package(name: "conet", path: ".."),
    ],
    targets: [
        // libFuzzer's driver function, declared for Swift.
        .target(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        .executableTarget(
            name: "conet-fuzz",
            dependencies: ["CLibFuzzer", .product(name: "ConetFuzzTargets", package: "conet")],
            path: "Sources/ConetFuzz"
        ),
    ]
)
