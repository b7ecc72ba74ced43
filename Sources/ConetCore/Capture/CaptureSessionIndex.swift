import Foundation

/// Where each finished session's report starts in the spool, by session number: a table in an
/// unnamed temporary file (8 bytes a number), since a capture may hold millions of sessions
/// and they finish in any order. Read back in number order, it gives the report's order.
final class CaptureSessionIndex {
    private let descriptor: Int32
    /// One more than the largest number set.
    private(set) var count = 0

    init() throws(FileError) { descriptor = try CaptureSpool.openUnnamedFile() }

    deinit { close(descriptor) }

    /// Records `offset` (at least 0) for session `number`; numbers never set read as nil.
    func set(_ offset: Int, for number: Int) throws(FileError) {
        try CaptureSpool.pwriteAll(descriptor, CaptureSpool.bytes(offset + 1)[...], at: number * 8)
        count = max(count, number + 1)
    }

    /// Calls `body` with each offset set, in number order.
    func forEach(_ body: (Int) throws -> Void) throws {
        let perRead = 8192
        var number = 0
        while number < count {
            let entries = min(perRead, count - number)
            let bytes = try CaptureSpool.pread(descriptor, at: number * 8, count: entries * 8)
            for entry in 0..<entries {
                let value = CaptureSpool.integer(bytes[(entry * 8)..<(entry * 8 + 8)])
                if value > 0 { try body(value - 1) }
            }
            number += entries
        }
    }
}
