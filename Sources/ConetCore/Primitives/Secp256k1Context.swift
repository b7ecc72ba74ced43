internal import CSecp256k1

/// The one libsecp256k1 context of the process: created once, randomised against side channels,
/// never mutated afterwards, which makes it safe to share across threads (per the library's docs).
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create failed")
        }
        var seed = SecureRandom.bytes(32)
        let randomised = secp256k1_context_randomize(context, &seed)
        Memory.wipe(&seed)
        precondition(randomised == 1, "secp256k1_context_randomize failed")
        pointer = context
    }
}
