import Foundation
import Testing

/// Cross-checks with independent Python implementations (eth-keyfile, eth-account), installed by
/// `make test` into a throwaway virtual environment named by CONET_PYTHON.
@Suite struct InteropTests {
    static var python: String? {
        if let path = ProcessInfo.processInfo.environment["CONET_PYTHON"] { return path }
        let local = FileManager.default.currentDirectoryPath + "/.build/pyvenv/bin/python"
        return FileManager.default.isExecutableFile(atPath: local) ? local : nil
    }

    static func runPython(_ script: String, _ arguments: [String]) throws -> (Int32, String) {
        let python = try #require(Self.python, "no Python with eth-keyfile: run `make test`, or set CONET_PYTHON")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func ethKeyfileDecryptsAnExportedKeystoreAndEthAccountVerifiesASignature() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        // The default scrypt parameters (n = 2^18), as a real user gets them.
        let created = try conet.run(["wallet", "new", "dave", "--json"], password: "s3cret pässword").json()
        let address = try #require(created["address"] as? String)
        let keystore = conet.home.appendingPathComponent("dave.keystore.json").path
        #expect(try conet.run(["wallet", "export", "dave", "--format", "keystore", "-o", keystore]).status == 0)
        let privateKey = try conet.run(["wallet", "export", "dave", "--format", "private-key", "--unsafe-show-secret"], password: "s3cret pässword").text
            .trimmingCharacters(in: .whitespacesAndNewlines)

        let (status, decrypted) = try Self.runPython(
            "import sys, eth_keyfile; print('0x' + eth_keyfile.extract_key_from_keyfile(sys.argv[1], sys.argv[2].encode()).hex())",
            [keystore, "s3cret pässword"])
        #expect(status == 0, "\(decrypted)")
        #expect(decrypted == privateKey)

        let signature = try conet.run(["wallet", "sign", "dave", "--message", "interop ✓"], password: "s3cret pässword").text
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (verifyStatus, recovered) = try Self.runPython(
            """
            import sys
            from eth_account import Account
            from eth_account.messages import encode_defunct
            print(Account.recover_message(encode_defunct(text=sys.argv[1]), signature=sys.argv[2]))
            """, ["interop ✓", signature])
        #expect(verifyStatus == 0, "\(recovered)")
        #expect(recovered == address)
    }

    @Test func aKeystoreFromEthKeyfileImports() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let path = conet.home.appendingPathComponent("from-python.json").path
        let key = "0x" + String(repeating: "3b", count: 32)
        let (status, output) = try Self.runPython(
            """
            import sys, json, eth_keyfile
            ks = eth_keyfile.create_keyfile_json(bytes.fromhex(sys.argv[2][2:]), b'py', kdf='scrypt', iterations=1024)
            json.dump(ks, open(sys.argv[1], 'w'))
            from eth_account import Account
            print(Account.from_key(sys.argv[2]).address)
            """, [path, key])
        #expect(status == 0, "\(output)")
        let imported = try conet.run(["wallet", "import", "py", "--keystore", path, "--json"], password: "py").json()
        #expect(imported["address"] as? String == output)
    }
}
