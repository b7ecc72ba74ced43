import Foundation
import Testing

/// Every command's manual (its --help, from which the man pages are generated) documents its
/// JSON, exit codes, environment, files and examples.
@Suite struct ManualTests {
    static let commands: [[String]] = [
        [], ["send"], ["recv"], ["inspect"], ["relay"], ["bench"], ["wallet"],
        ["wallet", "new"], ["wallet", "import"], ["wallet", "list"], ["wallet", "show"], ["wallet", "export"],
        ["wallet", "card"], ["wallet", "sign"], ["wallet", "verify"], ["wallet", "derive"],
        ["wallet", "change-password"], ["wallet", "remove"],
        ["wallet", "contacts", "add"], ["wallet", "contacts", "list"], ["wallet", "contacts", "remove"],
    ]

    @Test(arguments: commands)
    func theManualHasEverySection(command: [String]) throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let result = try conet.run(command + ["--help"])
        #expect(result.status == 0)
        for section in ["JSON", "EXIT STATUS:", "ENVIRONMENT", "FILES:", "EXAMPLES:"] {
            #expect(result.text.contains(section), "conet \(command.joined(separator: " ")) --help lacks \(section)")
        }
        // Every example runs conet itself (a guard against examples of another tool's syntax).
        let examples = result.text.components(separatedBy: "EXAMPLES:").last ?? ""
        #expect(examples.contains("conet "))
    }
}
