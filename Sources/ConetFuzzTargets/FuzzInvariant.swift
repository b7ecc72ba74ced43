/// A property a target checks beyond "does not trap": a parser that accepts its own output back,
/// a reader that returns what was sealed. A broken one is a bug like a crash, so it traps, and
/// libFuzzer saves the input like any other crash.
enum FuzzInvariant {
    static func require(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        guard condition() else {
            fatalError("fuzz invariant broken: \(message())", file: file, line: line)
        }
    }
}
