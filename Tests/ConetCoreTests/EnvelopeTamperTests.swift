import Foundation
import Testing
@testable import ConetCore

/// Every way of damaging a sealed message must be caught, with an error that names the part.
@Suite struct EnvelopeTamperTests {
    let alice = PrivateKey.generate()
    let bob = PrivateKey.generate()

    /// The error opening `sealed` as bob raises, or nil if it opened.
    func failure(_ sealed: [UInt8], with key: PrivateKey? = nil) -> EnvelopeError? {
        do {
            _ = try Envelopes.open(sealed, with: key ?? bob)
            return nil
        } catch let error as EnvelopeError {
            return error
        } catch {
            Issue.record("not an EnvelopeError: \(error)")
            return .notAnEnvelope
        }
    }

    /// Byte ranges of each data chunk and of the trailer chunk.
    func chunkRanges(_ sealed: [UInt8], header: EnvelopeHeader) -> [Range<Int>] {
        let full = header.chunkSize + SecretStreamEncryptor.chunkOverhead
        let trailer = EnvelopeTrailer.byteCount + SecretStreamEncryptor.chunkOverhead
        var ranges: [Range<Int>] = []
        var start = header.byteCount
        while sealed.count - trailer - start > full {
            ranges.append(start..<(start + full))
            start += full
        }
        ranges.append(start..<(sealed.count - trailer))
        ranges.append((sealed.count - trailer)..<sealed.count)
        return ranges
    }

    @Test func flippingAnyByteOfASmallMessageIsCaught() throws {
        for hidden in [false, true] {
            var options = EnvelopeOptions()
            options.hideRecipients = hidden
            options.stampBits = 4
            options.routing = bob.publicKey.address
            let (sealed, _) = try Envelopes.seal(Array("a short note".utf8), to: [bob.publicKey], from: alice, options: options)
            #expect(failure(sealed) == nil)
            for position in sealed.indices {
                var damaged = sealed
                damaged[position] ^= 0x01
                let error = try #require(failure(damaged), "flip at \(position) of \(sealed.count) went unnoticed")
                #expect(!(error.errorDescription ?? "").isEmpty)
            }
        }
    }

    /// A relay reading an onion layer skips only the throwaway signature: every other flip of a
    /// small message, and every cut at a chunk boundary of a larger one, is still caught.
    @Test func readingWithoutTheSenderStillCatchesDamage() throws {
        func open(_ sealed: [UInt8]) -> [UInt8]? {
            guard let reader = try? EnvelopeReader(source: MemorySource(sealed)), (try? reader.unlock(with: bob)) == true else { return nil }
            var content: [UInt8] = []
            guard (try? reader.readPayloadIgnoringSender(maxContentBytes: .max) { content += $0 }) != nil else { return nil }
            return content
        }
        var options = EnvelopeOptions()
        options.compression = .none
        options.hideRecipients = true
        let note = Array("a layer".utf8)
        let (sealed, _) = try Envelopes.seal(note, to: [bob.publicKey], from: alice, options: options)
        #expect(open(sealed) == note)
        let header = try EnvelopeHeader.read(from: MemorySource(sealed))
        // The signature itself sits inside the encrypted trailer chunk, so no flip reaches it
        // unnoticed either: only its recovery is skipped.
        for position in sealed.indices {
            var damaged = sealed
            damaged[position] ^= 0x01
            #expect(open(damaged) == nil, "flip at \(position) of \(sealed.count) (header \(header.byteCount) bytes) went unnoticed")
        }
        let (large, _) = try Envelopes.seal(Envelopes.content(200_000), to: [bob.publicKey], from: alice, options: options)
        let largeHeader = try EnvelopeHeader.read(from: MemorySource(large))
        for range in chunkRanges(large, header: largeHeader) {
            #expect(open(Array(large[..<range.lowerBound])) == nil, "cut at \(range.lowerBound)")
        }
    }

    @Test func flippingSampledBytesOfALargeMessageIsCaught() throws {
        let content = Envelopes.content(1_000_000)
        let (sealed, _) = try Envelopes.seal(content, to: [bob.publicKey], from: alice)
        let random = SeededRandom(seed: "positions")
        var positions = [0, 5, 100, sealed.count / 2, sealed.count - 1, sealed.count - 118, sealed.count - 119]
        positions += random.bytes(40 * 4).chunked(4).map { Int(BigEndian.value($0[...], as: UInt32.self)) % sealed.count }
        for position in positions {
            var damaged = sealed
            damaged[position] ^= 0x80
            #expect(failure(damaged) != nil, "flip at \(position) went unnoticed")
        }
    }

    @Test func truncationAtEveryChunkBoundaryIsCaught() throws {
        let (sealed, summary) = try Envelopes.seal(Envelopes.content(300_000), to: [bob.publicKey], from: alice)
        let ranges = chunkRanges(sealed, header: summary.header)
        #expect(ranges.count == summary.dataChunkCount + 1)
        var cuts = [0, 1, summary.header.byteCount - 1, sealed.count - 1]
        cuts += ranges.flatMap { [$0.lowerBound, $0.lowerBound + 1, $0.upperBound - 1] }
        for cut in Set(cuts) where cut < sealed.count {
            let error = failure(Array(sealed[..<cut]))
            #expect(error != nil, "truncation to \(cut) bytes went unnoticed")
        }
        #expect(failure(Array(sealed[..<summary.header.byteCount])) == .truncated("payload"))
        // Data after the end shifts the trailer and fails too.
        #expect(failure(sealed + [0]) != nil)
    }

    @Test func swappedDroppedAndDuplicatedChunksAreCaught() throws {
        let (sealed, summary) = try Envelopes.seal(Envelopes.content(300_000), to: [bob.publicKey], from: alice)
        let ranges = chunkRanges(sealed, header: summary.header)
        let parts = ranges.map { Array(sealed[$0]) }
        let head = Array(sealed[..<summary.header.byteCount])
        var swapped = parts
        swapped.swapAt(0, 1)
        #expect(failure(head + swapped.joined()) == .chunkAltered(index: 0))
        var dropped = parts
        dropped.remove(at: 1)
        #expect(failure(head + dropped.joined()) == .chunkAltered(index: 1))
        var duplicated = parts
        duplicated.insert(parts[1], at: 1)
        #expect(failure(head + duplicated.joined()) == .chunkAltered(index: 2))
        // The last data chunk moved before the others fails as well.
        var moved = parts
        let last = moved.remove(at: moved.count - 2)
        moved.insert(last, at: 0)
        #expect(failure(head + moved.joined()) != nil)
    }

    @Test func splicingTwoMessagesIsCaught() throws {
        let first = try Envelopes.seal(Envelopes.content(200_000, seed: "one"), to: [bob.publicKey], from: alice)
        let second = try Envelopes.seal(Envelopes.content(200_000, seed: "two"), to: [bob.publicKey], from: alice)
        let a = chunkRanges(first.bytes, header: first.summary.header)
        let b = chunkRanges(second.bytes, header: second.summary.header)
        // First message's header and chunk 0, then the second's remaining chunks.
        let spliced = Array(first.bytes[..<a[0].upperBound]) + Array(second.bytes[b[1].lowerBound...])
        #expect(failure(spliced) == .chunkAltered(index: 1))
        // The second's header on the first's payload.
        let swappedHeader = Array(second.bytes[..<second.summary.header.byteCount]) + Array(first.bytes[a[0].lowerBound...])
        #expect(failure(swappedHeader) == .chunkAltered(index: 0))
    }

    @Test func wrongWalletIsNotARecipient() throws {
        let (sealed, _) = try Envelopes.seal([1, 2, 3], to: [bob.publicKey], from: alice)
        #expect(failure(sealed, with: PrivateKey.generate()) == .notARecipient)
    }

    @Test func notAnEnvelopeAndOtherVersionsAreNamed() throws {
        let (sealed, _) = try Envelopes.seal([1, 2, 3], to: [bob.publicKey], from: alice)
        #expect(failure([]) == .notAnEnvelope)
        #expect(failure(Array("hello world, not a message".utf8)) == .notAnEnvelope)
        var future = sealed
        future[5] = 2
        #expect(failure(future) == .unsupportedVersion(2))
        #expect(failure(Array(sealed[..<40])) == .truncated("header"))
    }

    /// A co-recipient knows the file key, so it can encrypt new content that every chunk check
    /// accepts; only the sender signature over the transcript stops it passing as the sender's.
    @Test func coRecipientCannotForgeContentUnderTheSendersName() throws {
        let carol = PrivateKey.generate()
        var options = EnvelopeOptions()
        options.compression = .none
        let (sealed, summary) = try Envelopes.seal(Array("pay bob 10".utf8), to: [bob.publicKey, carol.publicKey], from: alice, options: options)
        let header = summary.header
        let reader = try EnvelopeReader(source: MemorySource(sealed))
        let (_, fileKey) = try #require(try reader.unwrapFileKey(with: carol))
        let payloadKey = EnvelopeKeys.payloadKey(fileKey: fileKey, messageID: header.messageID)

        // Carol reads the original trailer to copy alice's signature.
        let decryptor = try SecretStreamDecryptor(key: payloadKey, header: header.streamHeader)
        let trailerStart = sealed.count - EnvelopeTrailer.byteCount - SecretStreamEncryptor.chunkOverhead
        _ = try decryptor.pullTagged(Array(sealed[header.byteCount..<trailerStart]))
        let original = try EnvelopeTrailer(bytes: decryptor.pullTagged(Array(sealed[trailerStart...])).plaintext)
        #expect(original.sender == alice.publicKey.address)

        func forge(signedBy signer: PrivateKey?) throws -> [UInt8] {
            let forgedContent = Array("pay carol 1000".utf8)
            let stream = try SecretStreamEncryptor(key: payloadKey, header: header.streamHeader)
            let chunk = stream.push([EnvelopeFormat.ContentFormat.raw.rawValue] + forgedContent, tag: .push)
            var trailer = EnvelopeTrailer(
                paddingByteCount: 0, contentByteCount: UInt64(forgedContent.count), sender: original.sender, signature: original.signature)
            if let signer {
                let transcript = TranscriptHash()
                transcript.update(header.bytes)
                transcript.update(chunk)
                let digest = transcript.finalize(trailerFields: EnvelopeTrailer.signedFields(
                    paddingByteCount: 0, contentByteCount: UInt64(forgedContent.count), sender: signer.publicKey.address))
                trailer = EnvelopeTrailer(
                    paddingByteCount: 0, contentByteCount: UInt64(forgedContent.count), sender: signer.publicKey.address,
                    signature: PersonalMessage.sign(digest, with: signer))
            }
            return header.bytes + chunk + stream.push(trailer.bytes, tag: .final)
        }

        guard case .signatureMismatch(let claimed, _) = failure(try forge(signedBy: nil)) else {
            Issue.record("a forged payload under alice's signature was accepted")
            return
        }
        #expect(claimed == alice.publicKey.address)
        // Signing it herself works, but then it is honestly from carol, not alice.
        let (content, opened) = try Envelopes.open(try forge(signedBy: carol), with: bob)
        #expect(content == Array("pay carol 1000".utf8))
        #expect(opened.sender == carol.publicKey.address)
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min(count, $0 + size)]) }
    }
}
