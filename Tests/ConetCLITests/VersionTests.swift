import Foundation
import Testing

@Suite struct VersionTests {
    @Test func versionAsTextAndJSON() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let text = try conet.run(["--version"])
        #expect(text.status == 0)
        #expect(text.text.hasPrefix("conet "))
        #expect(text.text.contains("libsodium 1."))
        #expect(text.text.contains("zstd 1."))

        let json = try conet.run(["--version", "--json"])
        #expect(json.status == 0)
        let object = try json.json()
        #expect(Set(object.keys) == ["conet", "libsodium", "zstd"])
        #expect((object["zstd"] as? String)?.hasPrefix("1.") == true)
    }

    @Test func noArgumentsPrintsHelp() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let result = try conet.run([])
        #expect(result.status == 0)
        #expect(result.text.contains("USAGE"))
    }

    @Test func threatModelIsTheDocumentAndGradesEveryParty() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let result = try conet.run(["--threat-model"])
        #expect(result.status == 0)
        let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/THREAT-MODEL.md")
        #expect(result.text == (try String(contentsOf: document, encoding: .utf8)))
        for party in ["observer", "entry relay", "mailbox relay", "colluding", "global observer"] {
            #expect(result.text.contains(party), "no \(party)")
        }
        for grade in ["| strong |", "| partial |", "| none |"] { #expect(result.text.contains(grade)) }
    }
}
