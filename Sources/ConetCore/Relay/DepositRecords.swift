/// The records that deposit an envelope read from a source (docs/PROTOCOL.md §5.3): one `depositWhole`
/// when it fits in a record, else `depositBegin`, full `data` records, and `end`. The relay
/// answers only the last one, so `isFinished` tells a sender when to wait for the answer.
struct DepositRecords {
    private enum Step {
        case start
        case piece([UInt8])
        case end
        case done
    }

    private let mailbox: Address
    private let source: ByteSource
    private var step = Step.start
    /// The second piece, read at the start to choose between one record and a stream.
    private var ahead: [UInt8] = []

    init(into mailbox: Address, from source: ByteSource) {
        self.mailbox = mailbox
        self.source = source
    }

    /// Whether the record `next` returned last was the final one.
    var isFinished: Bool {
        if case .done = step { return true }
        return false
    }

    mutating func next() throws -> RelayMessage? {
        switch step {
        case .start:
            let first = try source.read(exactly: RelayMessage.maxDataPiece)
            ahead = first.count == RelayMessage.maxDataPiece ? try source.read(exactly: RelayMessage.maxDataPiece) : []
            if ahead.isEmpty {
                step = .done
                return .depositWhole(mailbox: mailbox, envelope: first)
            }
            step = .piece(first)
            return .depositBegin(mailbox: mailbox)
        case .piece(let piece):
            let following = ahead.isEmpty ? try source.read(exactly: RelayMessage.maxDataPiece) : ahead
            ahead = []
            step = following.isEmpty ? .end : .piece(following)
            return .data(piece)
        case .end:
            step = .done
            return .end
        case .done:
            return nil
        }
    }
}
