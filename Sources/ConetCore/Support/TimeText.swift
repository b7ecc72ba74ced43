import Foundation

/// The two time notations conet reads and writes: RFC 3339 instants in UTC at whole seconds
/// (`2026-11-25T16:00:00Z`), and durations like `90s`, `30m`, `12h`, `30d`, `1y`.
public enum TimeText {
    /// Formats an instant as `YYYY-MM-DDTHH:MM:SSZ`.
    // Done by hand with gmtime_r/timegm: creating an ISO8601DateFormatter costs about a
    // millisecond on Linux, which made listing 100 wallets slow.
    /// Instants outside years 0000...9999 (a hostile header may claim any 64-bit time) are shown
    /// as the nearest end of that range: converting them to `time_t` unchecked would trap.
    public static func format(_ date: Date) -> String {
        var seconds = time_t(clampedSeconds(date))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }

    /// The first and last second that `format` can write (0000-01-01T00:00:00Z, 9999-12-31T23:59:59Z).
    public static let representableSeconds: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    /// `date` in whole seconds since 1970, clamped to `representableSeconds` (NaN counts as 0).
    public static func clampedSeconds(_ date: Date) -> Int64 {
        let value = floor(date.timeIntervalSince1970)
        guard !value.isNaN else { return 0 }
        if value <= Double(representableSeconds.lowerBound) { return representableSeconds.lowerBound }
        if value >= Double(representableSeconds.upperBound) { return representableSeconds.upperBound }
        return Int64(value)
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`; anything else (including impossible dates such as
    /// February 30) is refused.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        let date = Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
        // timegm normalises out-of-range fields; a real date survives the round trip unchanged.
        return format(date) == text ? date : nil
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
}
