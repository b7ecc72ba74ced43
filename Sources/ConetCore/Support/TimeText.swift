import Foundation

/// The two time notations conet reads and writes: RFC 3339 instants in UTC at whole seconds
/// (`2026-11-25T16:00:00Z`), and durations like `90s`, `30m`, `12h`, `30d`, `1y`.
public enum TimeText {
    /// Formats an instant as `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ date: Date) -> String {
        formatter().string(from: date)
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`; anything else is refused.
    public static func parse(_ text: String) -> Date? {
        guard text.count == 20, text.hasSuffix("Z") else { return nil }
        return formatter().date(from: text)
    }

    /// Parses a duration: a positive whole number and one unit of s, m, h, d, w or y (365 days).
    public static func parseDuration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let value = Int(text.dropLast()), value > 0 else { return nil }
        let seconds: Int
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        case "w": seconds = 604_800
        case "y": seconds = 31_536_000
        default: return nil
        }
        guard value <= 100 * 31_536_000 / seconds else { return nil }
        return TimeInterval(value * seconds)
    }

    /// `date` truncated to a whole second, so that it survives a round trip through text.
    public static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: floor(date.timeIntervalSince1970))
    }

    private static func formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }
}
