#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// How a deposit travels: a client cuts an envelope into records (`DepositRecords`: one whole
/// deposit when it fits, else begin, data pieces, end), and the relay gathers the pieces into an
/// upload (`DepositUpload`, in memory or spilled to a staged file) whose first bytes it parses as
/// the header. Sizes around the 64 KiB record limit and short reads from the source are where
/// such framing goes wrong, so the input describes the envelope rather than holding it:
///
/// A length near a multiple of the record size (a byte choosing 0 to 4 pieces of 64 KiB, then a
/// signed 16-bit offset from there), a count of read sizes (low 3 bits) and that many 16-bit sizes
/// the source returns in turn (0: as much as asked), then a pattern repeated to the length (the
/// first bytes of an envelope, typically).
///
/// Checked: every record decodes back to itself, the records are in the documented order and
/// carry exactly the envelope, and the relay's upload holds exactly the envelope.
enum DepositRecordsTarget {
    static let target = FuzzTarget(
        name: "deposit-records",
        summary: "a length, a read schedule and a pattern: an envelope deposited in records and gathered by the relay",
        run: run)

    static let piece = RelayMessage.maxDataPiece
    /// Where spilled uploads go (unnamed files, gone when closed).
    static let staging: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conet-fuzz-deposit-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    static func run(_ input: [UInt8]) {
        var reader = FuzzReader(input)
        let pieces = Int(reader.byte() % 5)
        let length = max(0, pieces * piece + Int(Int16(truncatingIfNeeded: reader.uint16())))
        let reads = (0..<Int(reader.byte() & 7)).map { _ in reader.uint16() }
        let pattern = reader.rest()
        let envelope = repeated(pattern.isEmpty ? [0x43] : pattern, count: length)
        let mailbox = FuzzKeys.owner.address

        var records = DepositRecords(into: mailbox, from: ScheduledSource(envelope, reads: reads))
        var messages: [RelayMessage] = []
        do {
            while let record = try records.next() {
                messages.append(record)
                FuzzInvariant.require(messages.count <= 3 + length / piece, "more records than the envelope needs")
            }
        } catch {
            FuzzInvariant.require(false, "DepositRecords failed on a source that cannot fail: \(error)")
        }
        FuzzInvariant.require(records.isFinished, "the records ended without the last one marked")
        // An empty envelope makes a whole deposit of nothing, which the relay refuses to decode;
        // senders never deposit one (a message has a header), so only non-empty ones are checked.
        guard length > 0 else { return }
        for message in messages {
            let encoded = message.encoded
            let again = try? RelayMessage(decoding: encoded)
            FuzzInvariant.require(again.map { FuzzBytes.same($0.encoded, encoded) } == true, "a deposit record does not decode to itself")
        }

        // The relay's side, with a spill limit low enough that large deposits reach the staged file.
        guard var upload = try? DepositUpload(staging: staging, inlineLimit: 96 << 10) else { return }
        var carried = 0
        func carry(_ bytes: [UInt8]) {
            FuzzInvariant.require(
                carried + bytes.count <= length && FuzzBytes.same(bytes, envelope[carried..<(carried + bytes.count)]),
                "the records do not carry the envelope's bytes \(carried)..<\(carried + bytes.count)")
            carried += bytes.count
            try? upload.append(bytes)
        }
        switch messages.first {
        case .depositWhole(let to, let bytes)?:
            FuzzInvariant.require(to == mailbox && messages.count == 1 && length <= piece, "a whole deposit for \(length) bytes")
            carry(bytes)
        case .depositBegin(let to)?:
            FuzzInvariant.require(to == mailbox && length > piece && messages.last == .end, "a streamed deposit for \(length) bytes is not begin, data, end")
            for message in messages.dropFirst().dropLast() {
                guard case .data(let bytes) = message, !bytes.isEmpty, bytes.count <= piece else {
                    FuzzInvariant.require(false, "a streamed deposit holds \(message) between begin and end")
                    return
                }
                carry(bytes)
            }
        default:
            FuzzInvariant.require(false, "a deposit starts with \(String(describing: messages.first))")
        }
        FuzzInvariant.require(carried == length, "the records carry \(carried) bytes, not the envelope's \(length)")
        FuzzInvariant.require(
            upload.size == length && FuzzBytes.same(upload.prefix, envelope.prefix(upload.prefix.count)), "the upload's size or first bytes are wrong")
        if let source = try? upload.source() {
            var stored: [UInt8] = []
            while let block = try? source.read(upTo: 1 << 16), !block.isEmpty { stored += block }
            FuzzInvariant.require(FuzzBytes.same(stored, envelope), "the relay's upload holds \(stored.count) bytes, not the \(length) deposited")
        }
        _ = try? EnvelopeHeader.read(from: MemorySource(upload.prefix))
    }

    /// `pattern` repeated to `count` bytes, copied in doubling blocks (an element-wise loop is slow
    /// under the fuzzer's instrumentation).
    static func repeated(_ pattern: [UInt8], count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        bytes.withUnsafeMutableBytes { out in
            var filled = min(pattern.count, count)
            pattern.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: filled) }
            while filled < count {
                let block = min(filled, count - filled)
                (out.baseAddress! + filled).copyMemory(from: out.baseAddress!, byteCount: block)
                filled += block
            }
        }
        return bytes
    }

    /// Bytes in memory returned in the sizes a schedule gives (0: all that is asked), like a pipe
    /// or a socket that returns short reads.
    final class ScheduledSource: ByteSource {
        private let bytes: [UInt8]
        private let reads: [Int]
        private var offset = 0
        private var turn = 0

        init(_ bytes: [UInt8], reads: [Int]) {
            self.bytes = bytes
            self.reads = reads
        }

        func read(upTo count: Int) throws -> [UInt8] {
            var size = count
            if !reads.isEmpty {
                let scheduled = reads[turn % reads.count]
                turn += 1
                if scheduled > 0 { size = min(count, scheduled) }
            }
            let end = min(bytes.count, offset + size)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
    }
}
#endif
