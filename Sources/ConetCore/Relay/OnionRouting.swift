import Foundation

extension RelaySession {
    /// An envelope deposited into this relay's own address is an onion layer: its id is
    /// remembered against replays, it is opened with the relay's wallet, and the envelope inside
    /// is forwarded to the next relay or deposited in a mailbox here, as its instruction says.
    /// The answer is the mailbox relay's receipt, or an error that names no relay upstream.
    func route(_ upload: DepositUpload, header: EnvelopeHeader, expires: Date) async throws -> RelayMessage {
        let own = identity.address
        let layerID = Hex.encode(header.messageID)
        // A replay is refused before anything is passed on: in memory for this process, in the
        // store for what may have come before a restart (or too long ago for memory). A layer made
        // lately, since this process began, needs no store read: the slowest part of a hop.
        var replayed = !replays.claim(header.messageID, mailbox: own, expires: expires)
        if !replayed && !replays.remembersEveryCopy(ofMessageCreated: header.created, skew: Self.clockSkew) {
            replayed = try await store.hasSeen(id: header.messageID, mailbox: own)
        }
        guard !replayed else {
            logger.info("onion layer replayed", metadata: ["id": "\(layerID)"])
            return .error(code: .replayed, message: "this relay already handled message \(layerID)")
        }
        let layer = Deposit(id: header.messageID, mailbox: own, size: 0, received: Date(), expires: expires, body: .forwarded)
        return try await pass(upload, layerID: layerID, layer: layer)
    }

    /// Opens the layer and acts on its instruction.
    /// - Parameter layer: the record that remembers a forwarded layer's id.
    private func pass(_ upload: DepositUpload, layerID: String, layer: Deposit) async throws -> RelayMessage {
        let own = identity.address
        let instruction: OnionInstruction, inner: DepositUpload
        do {
            let identity = identity, staging = stagingFolder, limit = configuration.inlineLimit, maxBytes = configuration.maxMessageBytes
            let opening: @Sendable () throws -> (OnionInstruction, DepositUpload) = {
                try Self.open(upload, identity: identity, staging: staging, inlineLimit: limit, maxBytes: maxBytes)
            }
            // A small layer in memory opens in a fraction of a millisecond: here, instead of two
            // thread hand-offs; a larger one (or one in a file) on the pool.
            let small = upload.isInMemory && upload.size <= Self.smallLayerByteCount
            (instruction, inner) = small ? try opening() : try await peers.run(opening)
        } catch {
            return .error(code: .invalidMessage, message: "the onion layer does not open: \(error.localizedDescription)")
        }
        guard instruction.address != own else {
            return .error(code: .invalidMessage, message: "the onion layer sends the message back to this relay (a loop)")
        }
        switch instruction.kind {
        case .deposit:
            // The stamp, if this relay wants one, was checked on the layer.
            let answer = try await finish(inner, mailbox: instruction.address, loggedIn: true)
            guard case .stored(let id) = answer else { return answer }
            logger.info("onion delivered", metadata: ["layer": "\(layerID)", "mailbox": "\(instruction.address)", "id": "\(Hex.encode(id))", "bytes": "\(inner.size)"])
            return .receipt(DeliveryReceipt(messageID: id, relay: identity).encoded)
        case .forward:
            // Written in the background: the in-memory guard refuses replays meanwhile, and a
            // replay after a crash that lost it still meets the mailbox relay, which refuses a
            // message id it stored (the deposit case needs no record of its own for that reason).
            forwardedLayers.note(layer)
            do {
                let receipt = try await peers.forward({ try inner.source() }, to: instruction.address, from: source, on: eventLoop)
                logger.info("onion forwarded", metadata: ["layer": "\(layerID)", "next": "\(instruction.address)", "bytes": "\(inner.size)"])
                return .receipt(receipt)
            } catch {
                logger.info("onion not forwarded", metadata: ["layer": "\(layerID)", "next": "\(instruction.address)", "reason": "\(error.upstreamText)"])
                let code: RelayMessage.ErrorCode
                switch error {
                case .refused(let downstream, _): code = RelayMessage.ErrorCode(rawValue: downstream) ?? .unreachable
                case .busy: code = .busy
                default: code = .unreachable
                }
                return .error(code: code, message: error.upstreamText)
            }
        }
    }

    /// Layers up to this size, held in memory, are opened on the session's own task.
    static let smallLayerByteCount = 64 << 10

    /// Opens a layer sealed to `identity`: the instruction first, then the inner envelope, staged
    /// like an upload (in memory while small).
    static func open(
        _ upload: DepositUpload, identity: PrivateKey, staging: URL, inlineLimit: Int, maxBytes: Int
    ) throws -> (OnionInstruction, DepositUpload) {
        let reader = try EnvelopeReader(source: upload.source())
        guard try reader.unlock(with: identity) else { throw RelayError.protocolViolation("the layer is not sealed to this relay") }
        var head: [UInt8] = []
        var inner = try DepositUpload(staging: staging, inlineLimit: inlineLimit)
        // A layer's signer is a throwaway key: recovering it would prove nothing the chunks'
        // authentication does not already prove.
        _ = try reader.readPayloadIgnoringSender(maxContentBytes: maxBytes) { piece in
            var rest = piece[...]
            if head.count < OnionInstruction.byteCount {
                let take = min(OnionInstruction.byteCount - head.count, rest.count)
                head += rest.prefix(take)
                rest = rest.dropFirst(take)
            }
            if !rest.isEmpty { try inner.append(Array(rest)) }
        }
        return (try OnionInstruction(decoding: head), inner)
    }
}
