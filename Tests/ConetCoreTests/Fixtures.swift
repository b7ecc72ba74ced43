import ConetCore
import Foundation
import Testing

/// The known-answer vectors made by independent Ethereum/Bitcoin libraries, copied into Fixtures/.
enum Fixtures {
    struct Cases<Case: Decodable>: Decodable {
        let cases: [Case]
    }

    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    }

    static func cases<Case: Decodable>(_ name: String, as: Case.Type) throws -> [Case] {
        let data = try Data(contentsOf: url(name))
        let decoded = try JSONDecoder().decode(Cases<Case>.self, from: data).cases
        try #require(!decoded.isEmpty, "fixture \(name) has no cases")
        return decoded
    }
}

extension Array where Element == UInt8 {
    /// Test-only shorthand for hex literals that are known to be well formed.
    init(hex: String) {
        self = try! Hex.decode(hex)
    }
}
