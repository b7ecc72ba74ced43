import Foundation
import Testing
@testable import ConetCore

@Suite struct EnvelopeRoundTripTests {
    let alice = PrivateKey.generate()
    let bob = PrivateKey.generate()

    @Test(arguments: [0, 1, 65535, 65536, 65537, 3 * 1024 * 1024 + 7])
    func roundTripEverySize(size: Int) throws {
        let content = Envelopes.content(size)
        for compression in [EnvelopeOptions.Compression.none, .zstd(level: 3), .automatic(level: 3)] {
            var options = EnvelopeOptions()
            options.compression = compression
            let (sealed, summary) = try Envelopes.seal(content, to: [bob.publicKey], from: alice, options: options)
            #expect(summary.envelopeByteCount == sealed.count)
            let (opened, result) = try Envelopes.open(sealed, with: bob)
            #expect(opened == content, "size \(size), \(compression)")
            #expect(result.sender == alice.publicKey.address)
            #expect(result.contentByteCount == size)
            #expect(result.envelopeByteCount == sealed.count)
            #expect(result.dataChunkCount == summary.dataChunkCount)
            if compression == .none { #expect(result.format == .raw) }
            if case .zstd = compression { #expect(result.format == .zstd) }
        }
    }

    /// The sender's key may still be unlocking while the message is sealed: what comes out opens
    /// and names the sender as usual, whether every chunk waited for the key (5 MiB) or the
    /// waiting room filled up first (12 MiB, over the 8 MiB held).
    @Test(arguments: [5 * 1024 * 1024 + 3, 12 * 1024 * 1024 + 5])
    func aKeyStillUnlockingSignsTheWholeMessage(size: Int) throws {
        let content = Envelopes.content(size)
        let alice = self.alice
        let key = PendingKey {
            Thread.sleep(forTimeInterval: 0.05)
            return alice
        }
        let collector = ByteCollector()
        var options = EnvelopeOptions()
        options.compression = .none
        let writer = try EnvelopeWriter(recipients: [bob.publicKey], sender: key, options: options) { collector.append([UInt8]($0)) }
        try writer.write(content)
        let summary = try writer.finish()
        #expect(summary.sender == alice.publicKey.address)
        let (opened, result) = try Envelopes.open(collector.bytes, with: bob)
        #expect(opened == content)
        #expect(result.sender == alice.publicKey.address)
    }

    /// A wrong password fails the message before a single byte reaches the output, however much
    /// was sealed while the key was unlocking.
    @Test func aKeyThatFailsToUnlockWritesNothing() throws {
        let collector = ByteCollector()
        let key = PendingKey {
            Thread.sleep(forTimeInterval: 0.05)
            throw KeystoreError.wrongPassword
        }
        var options = EnvelopeOptions()
        options.compression = .none
        #expect(throws: KeystoreError.wrongPassword) {
            let writer = try EnvelopeWriter(recipients: [bob.publicKey], sender: key, options: options) { collector.append([UInt8]($0)) }
            for _ in 0..<160 { try writer.write(Envelopes.content(1 << 16)) }
            _ = try writer.finish()
        }
        #expect(collector.bytes.isEmpty)
    }

    @Test func writesInAnyPieceSizes() throws {
        for piece in [1, 17, 65536, 65537, 1_000_000] {
            // Byte-at-a-time writes on a smaller message keep the test quick.
            let content = Envelopes.content(piece == 1 ? 3000 : 200_000)
            let (sealed, _) = try Envelopes.seal(content, to: [bob.publicKey], from: alice, pieceSize: piece)
            #expect(try Envelopes.open(sealed, with: bob).content == content)
        }
    }

    @Test func fiveRecipientsEachOpenAndOthersCannot() throws {
        let recipients = (0..<5).map { _ in PrivateKey.generate() }
        let content = Envelopes.content(100_000)
        let (sealed, summary) = try Envelopes.seal(content, to: recipients.map(\.publicKey), from: alice)
        #expect(summary.header.stanzas.map(\.recipient) == recipients.map { $0.publicKey.address })
        for recipient in recipients {
            #expect(try Envelopes.open(sealed, with: recipient).content == content)
        }
        #expect(throws: EnvelopeError.notARecipient) { try Envelopes.open(sealed, with: bob) }
        #expect(throws: EnvelopeError.notARecipient) { try Envelopes.open(sealed, with: alice) }
    }

    @Test func hiddenRecipientsCarryNoAddressesAndStillOpen() throws {
        let recipients = (0..<3).map { _ in PrivateKey.generate() }
        var options = EnvelopeOptions()
        options.hideRecipients = true
        let content = Envelopes.content(5000)
        let (sealed, summary) = try Envelopes.seal(content, to: recipients.map(\.publicKey), from: alice, options: options)
        #expect(summary.header.stanzas.allSatisfy { $0.recipient == nil })
        for recipient in recipients {
            #expect(!containsSubsequence(sealed, recipient.publicKey.address.bytes))
            let (opened, result) = try Envelopes.open(sealed, with: recipient)
            #expect(opened == content)
            #expect(result.header.hiddenRecipients)
        }
        #expect(throws: EnvelopeError.notARecipient) { try Envelopes.open(sealed, with: bob) }
    }

    @Test func paddingPutsSimilarSizesInOneBucket() throws {
        var options = EnvelopeOptions()
        options.pad = true
        options.compression = .none
        let short = try Envelopes.seal(Envelopes.content(10), to: [bob.publicKey], from: alice, options: options)
        let longer = try Envelopes.seal(Envelopes.content(900), to: [bob.publicKey], from: alice, options: options)
        #expect(short.bytes.count == longer.bytes.count)
        let (content, opened) = try Envelopes.open(short.bytes, with: bob)
        #expect(content == Envelopes.content(10))
        #expect(opened.paddingByteCount == PaddingBuckets.minimum - 11)
        // Content ending in zeros must survive the zero-run padding logic.
        let zeros = Envelopes.content(70_000) + [UInt8](repeating: 0, count: 140_000)
        for pad in [false, true] {
            options.pad = pad
            let sealed = try Envelopes.seal(zeros, to: [bob.publicKey], from: alice, options: options)
            #expect(try Envelopes.open(sealed.bytes, with: bob).content == zeros)
        }
    }

    @Test func paddingBucketsArePadme() {
        #expect(PaddingBuckets.bucket(for: 0) == 1024)
        #expect(PaddingBuckets.bucket(for: 1024) == 1024)
        #expect(PaddingBuckets.bucket(for: 1025) == 1088)
        #expect(PaddingBuckets.bucket(for: 65537) == 67584)
        for length in stride(from: 1, to: 50_000_000, by: 99_991) {
            let bucket = PaddingBuckets.bucket(for: length)
            #expect(bucket >= length)
            #expect(Double(bucket) <= Double(max(length, 1024)) * 1.12)
        }
    }

    @Test func incompressibleInputIsSentRaw() throws {
        let noise = SeededRandom(seed: "noise").bytes(300_000)
        let (sealed, summary) = try Envelopes.seal(noise, to: [bob.publicKey], from: alice)
        #expect(summary.format == .raw)
        #expect(try Envelopes.open(sealed, with: bob).content == noise)
        let text = [UInt8](String(repeating: "compress me ", count: 30_000).utf8)
        #expect(try Envelopes.seal(text, to: [bob.publicKey], from: alice).summary.format == .zstd)
    }

    /// Only the first 128 KiB decide, however the content is cut into writes: noise followed by
    /// a long compressible tail is sent raw whether written at once or in small pieces.
    @Test func automaticCompressionDecidesOnTheFirst128KiBOnly() throws {
        let content = SeededRandom(seed: "noise").bytes(EnvelopeWriter.sampleByteCount) + [UInt8](repeating: 7, count: 2 << 20)
        for piece in [content.count, 50_000] {
            let (sealed, summary) = try Envelopes.seal(content, to: [bob.publicKey], from: alice, pieceSize: piece)
            #expect(summary.format == .raw, "written in pieces of \(piece)")
            #expect(try Envelopes.open(sealed, with: bob).content == content)
        }
    }

    @Test func routingAndStampAreCarriedAndChecked() throws {
        var options = EnvelopeOptions()
        options.routing = bob.publicKey.address
        options.stampBits = 12
        let (sealed, summary) = try Envelopes.seal([1, 2, 3], to: [bob.publicKey], from: alice, options: options)
        let header = try EnvelopeHeader.read(from: MemorySource(sealed))
        #expect(header.routing == bob.publicKey.address)
        #expect(header.stamp?.bits == 12)
        #expect(header.stampWork() == 12)
        #expect(summary.header.bytes == header.bytes)
        #expect(try Envelopes.open(sealed, with: bob).content == [1, 2, 3])
    }

    @Test func refusesBadOptions() {
        #expect(throws: EnvelopeError.self) { try Envelopes.seal([], to: [], from: alice) }
        var options = EnvelopeOptions()
        options.compression = .zstd(level: 99)
        #expect(throws: EnvelopeError.self) { try Envelopes.seal([], to: [bob.publicKey], from: alice, options: options) }
        options = EnvelopeOptions()
        options.ttl = 0
        #expect(throws: EnvelopeError.self) { try Envelopes.seal([], to: [bob.publicKey], from: alice, options: options) }
    }
}

func containsSubsequence(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if Array(haystack[start..<(start + needle.count)]) == needle { return true }
    }
    return false
}
