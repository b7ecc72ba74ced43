import Foundation
import Logging

/// swift-log handler writing one JSON object per line (keys sorted) to standard error:
/// `{"level", "message", "time", ...metadata}`. Relays log events, never message contents or keys.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "time": TimeText.format(Date()), "level": event.level.rawValue, "message": "\(event.message)", "logger": label,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = "\(value)"
        }
        FileHandle.standardError.write(Data(Self.line(fields).utf8))
    }

    /// One JSON object, keys sorted, and a newline. Written by hand: JSONSerialization's
    /// locale-aware key sorting cost a relay nearly half of its CPU at one line per deposit.
    static func line(_ fields: [String: String]) -> String {
        var line = "{"
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { line += "," }
            appendQuoted(key, to: &line)
            line += ":"
            appendQuoted(fields[key]!, to: &line)
        }
        return line + "}\n"
    }

    static func appendQuoted(_ text: String, to line: inout String) {
        line += "\""
        // Most log text needs no escaping: copy it whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            line += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": line += "\\\""
                case "\\": line += "\\\\"
                case "\n": line += "\\n"
                case "\r": line += "\\r"
                case "\t": line += "\\t"
                case _ where scalar.value < 0x20: line += String(format: "\\u%04x", scalar.value)
                default: line.unicodeScalars.append(scalar)
                }
            }
        }
        line += "\""
    }
}
