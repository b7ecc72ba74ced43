import ArgumentParser
import ConetCore
import Foundation

/// `--json`, shared by the root command and every subcommand. ArgumentParser gives a parent's
/// options every matching flag on the line, and hands an `@OptionGroup` of the same type to the
/// subcommand already decoded, so declaring it as a group everywhere keeps one value for all.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print JSON (keys sorted) instead of text.")
    var json = false
}

/// Writing results: JSON with sorted keys (stable for scripts), text, and errors to stderr.
enum Output {
    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A JSON decoding failure in words: where in the document, and what was wrong.
    static func describe(decodingError error: Error) -> String {
        func place(_ path: [CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "missing '\(key.stringValue)' at \(place(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(place(context.codingPath))"
        case DecodingError.dataCorrupted(let context): return "\(context.debugDescription) at \(place(context.codingPath))"
        default: return error.localizedDescription
        }
    }

    static func printJSON<Value: Encodable>(_ value: Value) throws {
        print(try json(value))
    }

    /// Writes `data` to the file at `path` (atomically, with `mode`) or, without a path, to stdout.
    static func write(_ data: Data, to path: String?, mode: mode_t, overwrite: Bool) throws {
        if let path, let device = try BinaryOutput.openIfNotRegular(path) {
            try device.write(data)
        } else if let path {
            try AtomicFile.write(data, to: URL(fileURLWithPath: path), mode: mode, overwrite: overwrite)
        } else {
            FileHandle.standardOutput.write(data)
        }
    }

    /// A report line on standard error, when standard output carries data.
    static func printToStandardError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("conet: \(message)\n".utf8))
    }
}
