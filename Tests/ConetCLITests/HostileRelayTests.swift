import ConetCore
import Foundation
import Testing

/// What strangers may send a relay, over real sockets to a real relay process: each test sends
/// the hostile bytes, then checks that the relay is alive and still serves a legitimate client.
@Suite(.serialized) struct HostileRelayTests {
    static func seal(_ content: [UInt8], to recipient: PublicKey, options: EnvelopeOptions = EnvelopeOptions()) throws -> [UInt8] {
        let collected = Collected()
        let writer = try EnvelopeWriter(recipients: [recipient], sender: PrivateKey.generate(), options: options) { collected.append($0) }
        try writer.write(content)
        _ = try writer.finish()
        return collected.bytes
    }

    /// A legitimate deposit and fetch still work: the relay is alive and serving.
    static func expectServing(_ relay: RelayProcess, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(relay.process.isRunning, "the relay died: \(relay.log.suffix(2000))", sourceLocation: sourceLocation)
        let owner = PrivateKey.generate()
        let client = try RelayClient(endpoint: relay.parsedEndpoint, timeout: 10)
        let id = try client.deposit(into: owner.address, from: MemorySource(try seal(Array("still here".utf8), to: owner.publicKey)))
        try client.login(owner)
        #expect(try client.list().map(\.id) == [id], sourceLocation: sourceLocation)
    }

    @Test func aDepositDatedBeyondTheLargestIntegerIsRefusedAndNothingCrashes() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        let owner = PrivateKey.generate()
        for seconds in [9.3e18, 1.8e19] {
            var options = EnvelopeOptions()
            options.created = Date(timeIntervalSince1970: seconds)
            let envelope = try Self.seal([1, 2, 3], to: owner.publicKey, options: options)
            let client = try RelayClient(endpoint: relay.parsedEndpoint, timeout: 10)
            #expect(throws: RelayError.self) { try client.deposit(into: owner.address, from: MemorySource(envelope)) }
            // The decoders that print the date must not trap either.
            let file = conet.home.appendingPathComponent("future.conet")
            try Data(envelope).write(to: file)
            for arguments in [["inspect", file.path, "--json"], ["inspect", file.path, "--hex"], ["inspect", file.path]] {
                let shown = try conet.run(arguments)
                #expect(shown.status == 0, "\(arguments): \(shown.status) \(shown.stderr)")
            }
        }
        try Self.expectServing(relay)
    }

    @Test func aNewcomerFindingEverySlotTakenIsRefusedWithoutStoppingTheRelay() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: ["--max-connections", "3"])
        var sessions = try (0..<3).map { _ in try RelayClient(endpoint: relay.parsedEndpoint, timeout: 10) }
        for session in sessions { _ = try session.status() }
        for _ in 0..<3 {
            let fd = try RawSocket.connect(port: relay.port)
            #expect(RawSocket.closedByPeer(fd, within: 5), "a connection beyond --max-connections stays open")
            close(fd)
        }
        usleep(200_000)
        #expect(relay.process.isRunning, "the relay died refusing a connection: \(relay.log.suffix(2000))")
        sessions.removeAll()
        try Self.expectServing(relay)
        #expect(relay.log.contains("connection refused"))
    }

    @Test func oneAddressHoldsAtMostItsShareOfConnections() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: ["--max-connections-per-address", "2"])
        // Two sessions from 127.0.0.1: a third connection from there is refused.
        var sessions = try (0..<2).map { _ in try RelayClient(endpoint: relay.parsedEndpoint, timeout: 10) }
        for session in sessions { _ = try session.status() }
        let third = try RawSocket.connect(port: relay.port)
        #expect(RawSocket.closedByPeer(third, within: 5), "a third connection from one address stays open")
        close(third)
        // Connections still in their handshake make room for a newcomer from their own address,
        // oldest first.
        let pending = try (0..<3).map { _ in try RawSocket.connect(port: relay.port, from: "127.0.0.3") }
        defer { for fd in pending { close(fd) } }
        #expect(RawSocket.closedByPeer(pending[0], within: 5), "the oldest pending connection of a full address stays open")
        #expect(!RawSocket.closedByPeer(pending[2], within: 0.5))
        // Another address is not affected.
        let other = try RawSocket.connect(port: relay.port, from: "127.0.0.4")
        #expect(!RawSocket.closedByPeer(other, within: 0.5))
        close(other)
        sessions.removeAll()
        usleep(200_000)
        try Self.expectServing(relay)
    }

    @Test func aRecordDrippedByteByByteIsCutOffAtTheRecordDeadline() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: ["--record-timeout", "2s", "--idle-timeout", "6s", "--handshake-timeout", "1m"])
        let fd = try RawSocket.connect(port: relay.port)
        defer { close(fd) }
        var header: [UInt8] = [0, 0, 0, 100]
        _ = send(fd, &header, 4, Int32(MSG_NOSIGNAL))
        let started = Date()
        var closed = false
        while Date().timeIntervalSince(started) < 12 && !closed {
            var byte: [UInt8] = [0x41]
            if send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) != 1 { closed = true; break }
            closed = RawSocket.closedByPeer(fd, within: 0.5)
        }
        #expect(closed, "a dripping connection stayed open")
        #expect(Date().timeIntervalSince(started) < 6, "closed only after \(Date().timeIntervalSince(started)) s")
        try Self.expectServing(relay)
    }

    @Test func aSecondDepositWithTheSameIdNeverDestroysTheStoredMessage() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        let owner = PrivateKey.generate()
        // Over the 256 KiB inline limit, so the body is a file; random, so it stays that large.
        var options = EnvelopeOptions()
        options.compression = .none
        let envelope = try Self.seal(SecureRandom.bytes(300_000), to: owner.publicKey, options: options)
        let first = try RelayClient(endpoint: relay.parsedEndpoint, timeout: 10)
        let id = try first.deposit(into: owner.address, from: MemorySource(envelope))
        // The same bytes again, from other sessions (a replay, a retry), several at once.
        let replays = IDList()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if let client = try? RelayClient(endpoint: relay.parsedEndpoint, timeout: 10),
               let again = try? client.deposit(into: owner.address, from: MemorySource(envelope)) {
                replays.append(again)
            }
        }
        #expect(replays.count == 0, "a replayed id was stored again")
        let reader = try RelayClient(endpoint: relay.parsedEndpoint, timeout: 10)
        try reader.login(owner)
        #expect(try reader.list().map(\.id) == [id])
        let body = try reader.fetch(id)
        let fetched = try body.readAll()
        #expect(fetched == envelope, "the stored message was damaged by a duplicate deposit")
    }

    @Test func randomMailboxesCannotFillTheDiskPastTheStoreCap() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: ["--store-bytes", "200KiB"])
        var options = EnvelopeOptions()
        options.compression = .none
        let client = try RelayClient(endpoint: relay.parsedEndpoint, timeout: 10)
        var stored = 0, refused = 0
        for _ in 0..<200 {
            let owner = PrivateKey.generate()
            let envelope = try Self.seal(SecureRandom.bytes(2_000), to: owner.publicKey, options: options)
            do {
                _ = try client.deposit(into: owner.address, from: MemorySource(envelope))
                stored += 1
            } catch RelayError.refused(let code, let message) {
                #expect(code == RelayMessage.ErrorCode.quotaExceeded.rawValue && message.contains("store"), "\(message)")
                refused += 1
            }
        }
        #expect((80...100).contains(stored), "\(stored) deposits of about 2.3 KB fit a 200 KiB store")
        #expect(refused == 200 - stored)
        #expect(relay.log.contains("deposit refused"))
        #expect(relay.process.isRunning)
    }

    @Test func theRelaysFilesArePrivateAndItsCrashReportsShowNoMemory() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        try Self.expectServing(relay)
        for name in ["relay.sqlite", "relay.sqlite-wal", "relay.sqlite-shm"] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: relay.data.appendingPathComponent(name).path)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(name) has mode \(String(mode, radix: 8))")
        }
        let environment = try String(contentsOfFile: "/proc/\(relay.process.processIdentifier)/environ", encoding: .utf8)
        #expect(environment.split(separator: "\0").contains("SWIFT_BACKTRACE=registers=none,images=none,sanitize=yes"))
    }

    @Test func aKeyLogThatOthersCouldReadIsNotWritten() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let readable = conet.home.appendingPathComponent("readable.log"), target = conet.home.appendingPathComponent("target.log")
        let link = conet.home.appendingPathComponent("link.log"), fresh = conet.home.appendingPathComponent("fresh.log")
        FileManager.default.createFile(atPath: readable.path, contents: nil, attributes: [.posixPermissions: 0o644])
        FileManager.default.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600])
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        // A FIFO would block the open forever: it is refused like any file that is not regular.
        let fifo = conet.home.appendingPathComponent("fifo.log")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for (log, written) in [(readable, false), (link, false), (fifo, false), (fresh, true)] {
            let relay = try RelayProcess(conet, environment: ["CONET_KEYLOG": log.path])
            try Self.expectServing(relay)
            relay.stop()
            let size = log == fifo ? 0 : FileManager.default.contents(atPath: log.path)?.count ?? 0
            let targetSize = try #require(try FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int)
            #expect((size > 0) == written && targetSize == 0, "\(log.lastPathComponent): \(size) bytes")
            #expect(written || relay.log.contains("will not be written"), "\(relay.log)")
        }
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: fresh.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    @Test func legitimateClientsAreServedWhileTwoThousandHostileConnectionsAreOpen() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: ["--handshake-timeout", "1m", "--record-timeout", "1m"])
        // 2,000 connections from 40 addresses, each holding a started, never finished record.
        var hostile: [Int32] = []
        defer { for fd in hostile { close(fd) } }
        for index in 0..<2000 {
            let fd = try RawSocket.connect(port: relay.port, from: "127.0.1.\(1 + index % 40)")
            var partial: [UInt8] = [0, 0, 0, 90, 1, 2, 3]
            _ = send(fd, &partial, partial.count, Int32(MSG_NOSIGNAL))
            hostile.append(fd)
        }
        usleep(500_000)
        // The relay sends nothing before a hello: any event on a hostile socket means it was closed.
        var polled = hostile.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&polled, nfds_t(polled.count), 0)
        let closed = polled.filter { $0.revents != 0 }.count
        #expect(closed == 0, "the relay closed \(closed) of the hostile connections early")
        for _ in 0..<5 { try Self.expectServing(relay) }
        #expect(relay.residentKiB < 256 << 10, "the relay holds \(relay.residentKiB) KiB")
    }

    @Test func junkAheadOfAMessageCannotHideItFromRecv() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        try conet.makeWallets(["alice", "dave"])
        let dave = try conet.walletField("dave")
        #expect(try conet.run(["wallet", "card", "dave", "--publish", relay.endpoint], password: "pw").status == 0)
        // More junk than one listing page holds, sealed to a throwaway key, ahead of the real message.
        let junkKey = PrivateKey.generate()
        let junk = try Self.seal([0], to: junkKey.publicKey)
        let client = try RelayClient(endpoint: relay.parsedEndpoint, timeout: 30)
        let daveAddress = try Address(dave)
        for _ in 0..<(RelayMessage.maxListing + 10) {
            var bytes = junk
            bytes.replaceSubrange(8..<24, with: SecureRandom.bytes(16))  // a fresh message id each
            _ = try? client.deposit(into: daveAddress, from: MemorySource(bytes))
        }
        let sent = try conet.run(["send", "--relay", relay.endpoint, "--from", "alice", "--to", dave, "-"], password: "pw", stdin: Data("real".utf8))
        try #require(sent.status == 0, "\(sent.stderr)")
        let inbox = conet.home.appendingPathComponent("inbox")
        let received = try conet.run(["recv", "--relay", relay.endpoint, "--wallet", "dave", "-o", inbox.path, "--json"], password: "pw")
        #expect(received.status != 0, "the junk is reported")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? []
        #expect(names.count == 1, "\(names.count) files; \(received.stderr.suffix(300))")
        #expect(try names.first.map { try String(contentsOf: inbox.appendingPathComponent($0), encoding: .utf8) } == "real")
    }

    @Test func uploadsInProgressAreBoundedRelayWide() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: ["--upload-bytes", "1MiB"])
        let options = { var options = EnvelopeOptions(); options.compression = .none; return options }()
        let owner = PrivateKey.generate()
        // Three 600 KB deposits streamed at once, each held open halfway until all have started.
        let started = DispatchGroup(), release = DispatchSemaphore(value: 0)
        let answers = IDList(), refusals = IDList()
        for _ in 0..<3 { started.enter() }
        Thread {
            _ = started.wait(timeout: .now() + 30)
            for _ in 0..<3 { release.signal() }
        }.start()
        // Threads of their own: all three must be running at once (the pool may run only two).
        let finished = DispatchGroup()
        for _ in 0..<3 {
            finished.enter()
            Thread {
                defer { finished.leave() }
                guard let envelope = try? Self.seal(SecureRandom.bytes(600_000), to: owner.publicKey, options: options),
                      let client = try? RelayClient(endpoint: relay.parsedEndpoint, timeout: 30)
                else { started.leave(); return }
                do {
                    let id = try client.deposit(into: owner.address) { write in
                        try write(Array(envelope[..<400_000]))
                        started.leave()
                        release.wait()
                        try write(Array(envelope[400_000...]))
                    }
                    answers.append(id)
                } catch RelayError.refused(let code, _) {
                    refusals.append([code])
                } catch {
                    Issue.record("\(error)")
                }
            }.start()
        }
        #expect(finished.wait(timeout: .now() + 60) == .success)
        #expect(answers.count + refusals.count == 3)
        #expect(refusals.all.contains([RelayMessage.ErrorCode.busy.rawValue]), "three 600 KB uploads fit a 1 MiB budget")
        try Self.expectServing(relay)
    }

    @Test func aSessionLogsInAsOneWalletOnly() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        let bob = PrivateKey.generate(), mallory = PrivateKey.generate()
        let client = try RelayClient(endpoint: relay.parsedEndpoint, timeout: 10)
        try client.login(bob)
        #expect(throws: RelayError.self) { try client.login(mallory) }
        // Still bob's session, in step.
        #expect(try client.list().isEmpty)
        try client.login(bob)
        try Self.expectServing(relay)
    }

    @Test func anOnionBouncingBetweenTwoRelaysIsRefusedAsBusy() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let b = try RelayProcess(conet, wallet: "rB", arguments: ["--max-forwards-per-peer", "4"])
        let bCard = try RoutingCLITests.Network.relayCard(conet, b)
        let a = try RelayProcess(conet, wallet: "rA", arguments: ["--peer", bCard, "--max-forwards-per-peer", "4"])
        let aCard = try RoutingCLITests.Network.relayCard(conet, a)
        try RelayClient(endpoint: b.parsedEndpoint, timeout: 10).publishCard(Card(json: Data(contentsOf: URL(fileURLWithPath: aCard))))
        let aKey = try Card(json: Data(contentsOf: URL(fileURLWithPath: aCard))).publicKey
        let bKey = try Card(json: Data(contentsOf: URL(fileURLWithPath: bCard))).publicKey
        var layerOptions = EnvelopeOptions()
        layerOptions.compression = .none
        layerOptions.hideRecipients = true
        let owner = PrivateKey.generate()
        func onion(hops: Int) throws -> [UInt8] {
            var layer = try Self.seal(
                OnionInstruction(kind: .deposit, address: owner.address).encoded + Self.seal([7], to: owner.publicKey), to: bKey,
                options: layerOptions)
            for hop in 1...hops {
                // Odd hops are sealed to A and forward to B; even ones to B, forwarding to A.
                let (to, next) = hop % 2 == 1 ? (aKey, bKey) : (bKey, aKey)
                layer = try Self.seal(OnionInstruction(kind: .forward, address: next.address).encoded + layer, to: to, options: layerOptions)
            }
            return layer
        }
        // 41 layers: the outermost is A's. Each relay may pass only 4 on to the other at once.
        let bouncing = try onion(hops: 41)
        let entry = try RelayClient(endpoint: a.parsedEndpoint, timeout: 30)
        #expect {
            _ = try entry.sendOnion(from: MemorySource(bouncing))
        } throws: { error in
            guard case RelayError.refused(let code, _) = error else { return false }
            return code == RelayMessage.ErrorCode.busy.rawValue
        }
        // Both relays live, and an honest two-relay path still goes through.
        #expect(try RelayClient(endpoint: a.parsedEndpoint, timeout: 30).sendOnion(from: MemorySource(try onion(hops: 1))).relay == bKey.address)
        try Self.expectServing(a)
        try Self.expectServing(b)
    }
}
