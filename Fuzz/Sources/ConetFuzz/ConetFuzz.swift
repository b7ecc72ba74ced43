import ConetFuzzTargets
import Foundation

// The libFuzzer entry points. libFuzzer's own `main` calls `LLVMFuzzerInitialize` once with the
// command line, then `LLVMFuzzerTestOneInput` for every input. The target is chosen by the name
// the binary is run under (`fuzz-NAME`, a link the Makefile makes for each target, so libFuzzer's
// reproduction lines name the target) or else by `CONET_FUZZ_TARGET=NAME`.

/// The target this process runs, chosen once at start.
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    let program = argv.pointee?.pointee.map { String(cString: $0) } ?? ""
    let called = URL(fileURLWithPath: program).lastPathComponent
    let name = called.hasPrefix("fuzz-") ? String(called.dropFirst("fuzz-".count))
        : ProcessInfo.processInfo.environment["CONET_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget.named(name) else {
        let names = FuzzTarget.all.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n")
        FileHandle.standardError.write(Data("""
            conet-fuzz: no target named '\(name)'. Run it as fuzz-NAME (a link) or with CONET_FUZZ_TARGET=NAME:
            \(names)

            """.utf8))
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(input)
    return 0
}
