import NIOConcurrencyHelpers

/// Bytes of deposits being received at once, over every connection. An upload is staged on disk
/// before it is checked and stored, so without this bound connections × the message-size limit
/// (terabytes with the defaults) could be held in `tmp/` whatever the store's own cap says.
final class UploadBudget: Sendable {
    private let limit: Int
    private let used = NIOLockedValueBox(0)

    init(limit: Int) { self.limit = limit }

    /// Takes `count` bytes of the budget; false (taking nothing) if they do not fit.
    func reserve(_ count: Int) -> Bool {
        used.withLockedValue { used in
            guard count <= limit - used else { return false }
            used += count
            return true
        }
    }

    func release(_ count: Int) {
        used.withLockedValue { $0 = max(0, $0 - count) }
    }

    /// Bytes reserved now (for tests and the status document).
    var inUse: Int { used.withLockedValue { $0 } }
}
