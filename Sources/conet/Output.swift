import Foundation

/// Writing results: JSON with sorted keys (stable for scripts), text, and errors to stderr.
enum Output {
    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func printJSON<Value: Encodable>(_ value: Value) throws {
        print(try json(value))
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("conet: \(message)\n".utf8))
    }
}
