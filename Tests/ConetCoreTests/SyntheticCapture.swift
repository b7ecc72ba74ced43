import Foundation
@testable import ConetCore

/// A pcap file made up packet by packet (raw IPv4, link type 101), for captures no real session
/// produces: hostile sequence numbers, holes, thousands of conversations.
struct SyntheticCapture {
    private(set) var bytes: [UInt8]
    private(set) var packets = 0

    init() {
        // Little-endian pcap header, microseconds, version 2.4, snap length 262144, link type 101.
        bytes = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + [UInt8](repeating: 0, count: 8) + le32(262_144) + le32(101)
    }

    /// One TCP segment from `source` to `destination` (IPv4 address, port).
    mutating func segment(
        from source: ([UInt8], Int), to destination: ([UInt8], Int), sequence: UInt32, syn: Bool = false, fin: Bool = false,
        payload: [UInt8] = [], time: Double? = nil
    ) {
        packets += 1
        var ip: [UInt8] = [0x45, 0] + be16(40 + payload.count) + [0, 0, 0, 0, 64, 6, 0, 0] + source.0 + destination.0
        let flags: UInt8 = (syn ? 0x02 : 0) | (fin ? 0x01 : 0) | 0x10
        ip += be16(source.1) + be16(destination.1) + be32(sequence) + be32(0) + [0x50, flags] + be16(65535) + [0, 0, 0, 0]
        ip += payload
        let stamp = time ?? Double(packets) / 1000
        bytes += le32(UInt32(stamp)) + le32(UInt32((stamp - Double(UInt32(stamp))) * 1e6)) + le32(UInt32(ip.count)) + le32(UInt32(ip.count))
        bytes += ip
    }

    /// A relay session's opening as one side would send it: SYN, then a client hello record.
    mutating func clientHello(from client: ([UInt8], Int), to relay: ([UInt8], Int), sequence: UInt32 = 1000) {
        segment(from: client, to: relay, sequence: sequence, syn: true)
        segment(from: client, to: relay, sequence: sequence &+ 1, payload: Self.record(RelayHandshake.clientHello(ephemeral: .generate())))
    }

    /// `body` with its 4-byte length prefix, as a relay record travels.
    static func record(_ body: [UInt8]) -> [UInt8] { be32(UInt32(body.count)) + body }
}

private func le32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
private func be32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
private func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
