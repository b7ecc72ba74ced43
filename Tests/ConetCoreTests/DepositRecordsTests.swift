import Testing
@testable import ConetCore

@Suite struct DepositRecordsTests {
    /// What a sender puts on the wire for an envelope of `size` bytes (checked to carry exactly
    /// its bytes): record kinds, data sizes, and whether the last record is marked finished.
    func records(for size: Int) throws -> (kinds: String, pieces: [Int], finishedLast: Bool) {
        let mailbox = PrivateKey.generate().address
        let envelope = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var records = DepositRecords(into: mailbox, from: MemorySource(envelope))
        var kinds = "", pieces: [Int] = [], bytes: [UInt8] = [], finishedLast = false
        while let record = try records.next() {
            #expect(!finishedLast, "a record came after the one marked finished")
            finishedLast = records.isFinished
            switch record {
            case .depositWhole(let to, let whole):
                #expect(to == mailbox)
                kinds += "W"
                bytes += whole
            case .depositBegin(let to):
                #expect(to == mailbox)
                kinds += "B"
            case .data(let piece):
                kinds += "D"
                pieces.append(piece.count)
                bytes += piece
            case .end:
                kinds += "E"
            default:
                Issue.record("unexpected record \(record)")
            }
        }
        #expect(bytes == envelope)
        return (kinds, pieces, finishedLast)
    }

    @Test func anEnvelopeThatFitsGoesInOneRecord() throws {
        for size in [1, 1000, RelayMessage.maxDataPiece] {
            let sent = try records(for: size)
            #expect(sent.kinds == "W" && sent.finishedLast)
        }
    }

    @Test func aLargerOneStreamsInFullDataRecords() throws {
        let piece = RelayMessage.maxDataPiece
        let oneOver = try records(for: piece + 1)
        #expect(oneOver.kinds == "BDDE" && oneOver.pieces == [piece, 1] && oneOver.finishedLast)
        let twoFull = try records(for: 2 * piece)
        #expect(twoFull.kinds == "BDDE" && twoFull.pieces == [piece, piece] && twoFull.finishedLast)
        let more = try records(for: 3 * piece + 5)
        #expect(more.kinds == "BDDDDE" && more.pieces == [piece, piece, piece, 5] && more.finishedLast)
    }
}
