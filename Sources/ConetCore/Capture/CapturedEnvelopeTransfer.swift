import Foundation

/// An envelope streamed through a captured session in data records (or whole in a deposit):
/// its first bytes, enough for any header, and its size, so it can be described like a file
/// without holding it. The first bytes are charged to the capture's memory budget.
final class CapturedEnvelopeTransfer {
    /// Bytes kept from the front: more than the largest header.
    static let prefixByteCount = 16384

    private let budget: CaptureMemoryBudget
    private var prefix: [UInt8] = []
    private(set) var total = 0
    /// Whether the budget refused the first bytes (then the envelope is not described).
    private(set) var refused = false

    init(budget: CaptureMemoryBudget) { self.budget = budget }

    deinit { budget.give(prefix.count) }

    func add(_ bytes: [UInt8]) {
        let wanted = min(bytes.count, Self.prefixByteCount - prefix.count)
        if wanted > 0 && !refused {
            if budget.take(wanted) { prefix += bytes.prefix(wanted) } else { refused = true }
        }
        total += bytes.count
    }

    /// The envelope as `conet inspect` describes a file; nil when its header does not parse.
    func inspection() -> EnvelopeInspection? {
        guard !refused, let header = try? EnvelopeHeader.read(from: MemorySource(prefix)) else { return nil }
        return try? EnvelopeInspection(header: header, afterHeader: total - header.byteCount, inputByteCount: total, armored: false)
    }
}
