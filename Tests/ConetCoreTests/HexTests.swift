import Foundation
import Testing
import ConetCore

@Suite struct HexTests {
    @Test func decodesEitherCaseWithOrWithoutPrefix() throws {
        #expect(try Hex.decode("0x00fFa1") == [0x00, 0xff, 0xa1])
        #expect(try Hex.decode("  00FFA1\n") == [0x00, 0xff, 0xa1])
        #expect(try Hex.decode("") == [])
        #expect(try Hex.decode("0x", count: 0) == [])
    }

    /// Errors say what was wrong in words (they read "HexError error 2" before), and a bad
    /// character is named with its 1-based position in the text as given, prefix included.
    @Test(arguments: [
        ("0x12g4", HexError.invalidCharacter("g", position: 5), "bad character 'g' at position 5"),
        ("  zz", HexError.invalidCharacter("z", position: 3), "bad character 'z' at position 3"),
        ("12 34", HexError.invalidCharacter(" ", position: 3), "bad character U+20 at position 3"),
        ("é0", HexError.invalidCharacter("é", position: 1), "bad character U+E9 at position 1"),
        ("123", HexError.oddLength(3), "odd number of digits (3)"),
        ("0xabc", HexError.oddLength(3), "odd number of digits (3)"),
    ])
    func errorsNameWhatWasWrong(text: String, error expected: HexError, words: String) {
        #expect(throws: expected) { try Hex.decode(text) }
        do {
            _ = try Hex.decode(text)
        } catch {
            #expect(error.localizedDescription.contains(words), "\(error.localizedDescription)")
            #expect(!error.localizedDescription.contains("HexError"))
        }
    }

    @Test func wrongLengthSaysWhatWasExpected() {
        #expect(throws: HexError.wrongLength(expected: 32, actual: 2)) { try Hex.decode("0x0102", count: 32) }
        do {
            _ = try Hex.decode("0x0102", count: 32)
        } catch {
            #expect(error.localizedDescription == "hex text has the wrong length: expected 32 bytes, got 2")
        }
    }
}
