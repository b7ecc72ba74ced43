import Foundation

/// A wallet key that is being decrypted on a thread of its own. A keystore's scrypt holds one
/// core for 10 ms (`--light`) to 0.7 s (standard); `send` needs the key only to sign at the end,
/// so it seals meanwhile, and writes nothing until the key has opened.
public final class PendingKey: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<PrivateKey, any Error>?

    /// A key already at hand.
    public init(_ key: PrivateKey) {
        result = .success(key)
    }

    /// Starts `unlock` (a keystore decryption) on its own thread.
    public init(unlocking unlock: @escaping @Sendable () throws -> PrivateKey) {
        let thread = Thread { [self] in
            let outcome = Result { try unlock() }
            condition.lock()
            result = outcome
            condition.broadcast()
            condition.unlock()
        }
        // scrypt's own memory is on the heap; the thread needs no more than the default.
        thread.start()
    }

    /// Whether `wait` would return (or throw) at once.
    public var isSettled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return result != nil
    }

    /// The key, once unlocked; rethrows the unlock's error (a wrong password) to every caller.
    public func wait() throws -> PrivateKey {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return try result!.get()
    }
}
