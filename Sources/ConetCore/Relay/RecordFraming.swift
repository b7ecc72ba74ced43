import NIOCore

/// Splits the TCP byte stream into records: a 4-byte big-endian length, then that many bytes.
/// A length of zero or above `maxRecord` is a protocol violation before any allocation.
struct RecordFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let maxRecord: Int
    /// On a relay: closes the connection when a started record is not complete in time.
    var deadline: RecordDeadline? = nil

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            if buffer.readableBytes > 0 { deadline?.recordStarted(context) }
            return .needMoreData
        }
        guard length > 0, Int(length) <= maxRecord else {
            throw RelayError.protocolViolation("record length \(length) outside 1...\(maxRecord)")
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            deadline?.recordStarted(context)
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4)
        deadline?.recordFinished()
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 { throw RelayError.connection("the peer closed in the middle of a record") }
        return .needMoreData
    }
}

/// The time a peer has to finish a record once its first byte arrived. Idleness alone is no
/// bound: a peer dripping a byte now and then is never idle, yet never completes a record.
/// Used only on the channel's event loop (the decoder and the timer both run there).
final class RecordDeadline: @unchecked Sendable {
    private let timeout: TimeAmount
    private var started: NIODeadline?
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func recordStarted(_ context: ChannelHandlerContext) {
        guard started == nil else { return }
        started = .now()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { [self] in
            if started != nil { channel.close(promise: nil) }
        }
    }

    func recordFinished() {
        started = nil
        timer?.cancel()
        timer = nil
    }
}

/// Prefixes each outgoing record with its length.
struct RecordFrameEncoder: MessageToByteEncoder {
    typealias OutboundIn = ByteBuffer

    func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        out.writeInteger(UInt32(data.readableBytes))
        out.writeImmutableBuffer(data)
    }
}

/// Closes a connection on which nothing was read or written for the idle timeout.
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
