import Foundation
import Testing

/// Known-answer vectors (copied from the project's shared vectors) for end-to-end runs.
enum Fixtures {
    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    }

    static func object(_ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url(name))) as? [String: Any])
    }

    static func cases(_ name: String) throws -> [[String: Any]] {
        try #require(try object(name)["cases"] as? [[String: Any]])
    }
}

extension ConetProcess {
    /// Writes `text` to a file in the test's home and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = home.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs with the wallet password in CONET_PASSWORD.
    @discardableResult
    func run(_ arguments: [String], password: String, stdin: Data = Data()) throws -> Result {
        try run(arguments, stdin: stdin, environment: ["CONET_PASSWORD": password])
    }

    /// Creates light wallets `names`, all with the password "pw".
    func makeWallets(_ names: [String]) throws {
        for name in names {
            let made = try run(["wallet", "new", name, "--light"], password: "pw")
            try #require(made.status == 0, "\(made.stderr)")
        }
    }

    /// A wallet's public field (`address`, `publicKey`) as `wallet show --json` prints it.
    func walletField(_ name: String, _ field: String = "address") throws -> String {
        try #require(try run(["wallet", "show", name, "--json"]).json()[field] as? String)
    }
}
