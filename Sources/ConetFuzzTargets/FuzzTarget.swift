/// One libFuzzer target: a parser's entry point under a name, which is also the name of its seed
/// corpus (`Fuzz/Corpus/NAME`) and of its crash reproducers (`Fuzz/Crashes/NAME`).
///
/// `run` must return for every input. A parse error is the expected answer to most inputs and is
/// caught and dropped; only a trap is a finding (a Swift runtime check, an AddressSanitizer report,
/// or a broken invariant, which the targets state with `FuzzInvariant.require` so that it traps
/// like any other bug). The same functions run under libFuzzer (`make fuzz`) and in the replay
/// test (`make test`), so a saved reproducer fails the suite until its bug is fixed.
public struct FuzzTarget: Sendable {
    public let name: String
    /// What the input is, for the README and `--help`-like listings.
    public let summary: String
    public let run: @Sendable ([UInt8]) -> Void

    public init(name: String, summary: String, run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    /// The target called `name`, if there is one.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
