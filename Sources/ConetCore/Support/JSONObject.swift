import Foundation

/// The one place conet turns outside JSON into a dictionary, and its own dictionaries into
/// stable text: size-bounded in, keys sorted and a trailing newline out.
public enum JSONObject {
    /// Why bytes were not accepted as a JSON object; callers wrap `reason` in their own error.
    public struct Refusal: Error, Sendable {
        public let reason: String
    }

    /// Parses `data` as a single JSON object of at most `limit` bytes.
    public static func parse(_ data: Data, limit: Int) throws(Refusal) -> [String: Any] {
        guard data.count <= limit else { throw Refusal(reason: "larger than \(limit) bytes") }
        guard let parsed = try? JSONSerialization.jsonObject(with: data) else { throw Refusal(reason: "not valid JSON") }
        guard let object = parsed as? [String: Any] else { throw Refusal(reason: "not a JSON object") }
        return object
    }

    /// Pretty-printed JSON with sorted keys and a trailing newline.
    public static func serialize(_ object: [String: Any]) -> Data {
        // Callers pass only strings, numbers and nested dictionaries: serialisation cannot fail.
        var data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        data.append(0x0a)
        return data
    }
}
