import Foundation
import Testing
@testable import ConetCore

/// A message sealed from fixed keys and a seeded random source must come out byte for byte as the
/// committed fixture, so the v1 format cannot drift by accident. Compression is off so the bytes
/// do not depend on the zstd version. After a deliberate format change (a new version), rewrite
/// the fixture with `CONET_WRITE_FIXTURES=1 swift test --filter EnvelopePinned`.
@Suite struct EnvelopePinnedTests {
    static let sender = try! PrivateKey(bytes: [UInt8](hex: "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
    static let recipient = try! PrivateKey(bytes: [UInt8](hex: "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"))
    static let content = Array(String(repeating: "conet pinned envelope v1\n", count: 2800).utf8)

    static func sealPinned() throws -> [UInt8] {
        var options = EnvelopeOptions()
        options.compression = .none
        options.pad = true
        options.ttl = 3600
        options.routing = recipient.publicKey.address
        options.stampBits = 8
        options.created = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01T00:00:00Z
        let random = SeededRandom(seed: "conet envelope v1 fixture")
        let collector = ByteCollector()
        let writer = try EnvelopeWriter(
            recipients: [recipient.publicKey], sender: PendingKey(sender), options: options,
            output: { collector.append([UInt8]($0)) }, randomBytes: random.bytes)
        try writer.write(content)
        _ = try writer.finish()
        return collector.bytes
    }

    @Test func sealingIsByteForByteTheFixture() throws {
        let sealed = try Self.sealPinned()
        if ProcessInfo.processInfo.environment["CONET_WRITE_FIXTURES"] == "1" {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/envelope-v1.conet")
            try Data(sealed).write(to: url)
        }
        let pinned = try [UInt8](Data(contentsOf: Fixtures.url("envelope-v1.conet")))
        #expect(sealed.count == pinned.count)
        #expect(sealed == pinned, "the v1 envelope encoding changed")
    }

    @Test func theFixtureOpensWithItsFields() throws {
        let pinned = try [UInt8](Data(contentsOf: Fixtures.url("envelope-v1.conet")))
        let (content, opened) = try Envelopes.open(pinned, with: Self.recipient)
        #expect(content == Self.content)
        #expect(opened.sender == Self.sender.publicKey.address)
        #expect(opened.header.createdSeconds == 1_767_225_600)
        #expect(opened.header.ttl == 3600)
        #expect(opened.header.routing == Self.recipient.publicKey.address)
        #expect(opened.header.stampWork() == 8)
        #expect(opened.format == .raw)
        #expect(opened.dataChunkCount == 2)
        #expect(opened.payloadByteCount == PaddingBuckets.bucket(for: Self.content.count + 1))
        #expect(Hex.encode(opened.header.messageID) == "48ab736bc233fa7b4e20851583f0cb75")
    }
}
