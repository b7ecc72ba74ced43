import CLibFuzzer
import ConetFuzzTargets
import Foundation

// The libFuzzer program. SwiftPM gives an executable Swift's own `main`, so instead of libFuzzer's
// `main` this one calls libFuzzer's driver, after choosing the target by the name the binary was
// run under (`fuzz-NAME`, a link the Makefile makes for each target, so libFuzzer's reproduction
// lines name the target) or else by `CONET_FUZZ_TARGET=NAME`.

let called = URL(fileURLWithPath: CommandLine.arguments.first ?? "").lastPathComponent
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

/// The chosen target, for the C callback (which cannot capture).
let selected = target

// One input before libFuzzer starts counting: what a target makes once (keys, sealed headers, the
// relay session's event loop and thread pool) is then not taken for memory leaked by an input.
selected.run([])

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
})
