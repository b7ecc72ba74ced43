import Foundation
import Testing
@testable import ConetCore

@Suite struct JSONLogHandlerTests {
    @Test func linesAreValidJSONWithSortedKeysWhateverTheText() throws {
        let fields = ["zeta": "plain", "alpha": "quote \" backslash \\ newline \n tab \t bell \u{07} é 🚀", "mid": ""]
        let line = JSONLogHandler.line(fields)
        #expect(line.hasSuffix("}\n"))
        #expect(line.range(of: "\n")?.lowerBound == line.index(before: line.endIndex))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(parsed == fields)
        #expect(line.hasPrefix("{\"alpha\":"))
        #expect(line.range(of: "\"mid\"")!.lowerBound < line.range(of: "\"zeta\"")!.lowerBound)
    }
}
