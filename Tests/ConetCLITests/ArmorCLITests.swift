import Foundation
import Testing

/// Armored messages as mail and editors deliver them: after any amount of leading whitespace.
@Suite struct ArmorCLITests {
    /// Past 64 bytes of leading whitespace the input used to be taken for binary ("not a conet
    /// message"); now any amount works for recv and inspect, in bounded memory.
    @Test func anyAmountOfLeadingWhitespaceBeforeBegin() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        for name in ["alice", "bob"] { try #require(try conet.run(["wallet", "new", name, "--light"], password: "pw").status == 0) }
        let content = Data("armored after blank lines\n".utf8)
        let sent = try conet.run(["send", "--from", "alice", "--to", "bob", "--armor"], password: "pw", stdin: content)
        try #require(sent.status == 0, "\(sent.stderr)")
        for count in [65, 100, 70_000] {
            let input = Data((0..<count).map { $0 % 40 == 39 ? UInt8(ascii: "\n") : UInt8(ascii: " ") }) + sent.stdout
            let received = try conet.run(["recv", "--wallet", "bob"], password: "pw", stdin: input)
            #expect(received.status == 0, "\(count): \(received.stderr)")
            #expect(received.stdout == content, "\(count)")
            let inspected = try conet.run(["inspect", "--json"], stdin: input)
            #expect(inspected.status == 0, "\(count): \(inspected.stderr)")
            #expect(try inspected.json()["armored"] as? Bool == true, "\(count)")
        }
        // 128 MiB of blank lines are read and dropped as they come: memory stays small.
        try sent.stdout.write(to: conet.home.appendingPathComponent("message.txt"))
        let large = try conet.shell(
            """
            { head -c 134217728 /dev/zero | tr '\\0' ' '; cat message.txt; } \
              | /usr/bin/time -f %M -o recv.rss "$CONET" recv --wallet bob > out.txt && cat recv.rss
            """,
            environment: ["CONET_PASSWORD": "pw"])
        #expect(large.status == 0, "\(large.stderr)")
        #expect(try Data(contentsOf: conet.home.appendingPathComponent("out.txt")) == content)
        let kilobytes = try #require(Int(large.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kilobytes < 64 * 1024, "recv peak RSS \(kilobytes) KiB after 128 MiB of whitespace")
    }
}
