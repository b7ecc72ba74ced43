internal import CSodium
import Foundation

/// Key material held in memory of its own, wiped with `sodium_memzero` when the last reference
/// goes away. Unlike `[UInt8]`, copies of the value share one buffer, so no stray copy survives.
public final class SecretBytes: ContiguousBytes, @unchecked Sendable {
    // Immutable after init, hence safe to share across threads.
    private let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes` into wiped-on-release memory. The caller should wipe its own copy.
    public init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        storage = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        storage.copyBytes(from: bytes)
        count = bytes.count
    }

    /// Makes `count` bytes and lets `body` fill them in place (so no other copy ever exists).
    public init(count: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        storage = .allocate(byteCount: max(count, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        self.count = count
        // If `body` throws, the object is fully initialised, so `deinit` wipes and frees it.
        try body(UnsafeMutableRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// `count` fresh random bytes.
    public static func random(count: Int) -> SecretBytes {
        SecretBytes(count: count) { SecureRandom.fill($0) }
    }

    /// The number of secret bytes.
    public let count: Int

    deinit {
        sodium_memzero(storage.baseAddress!, storage.count)
        storage.deallocate()
    }

    /// Reads the secret in place; do not let the pointer escape.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// A plain copy of the secret, for the rare caller that must hand it on (export, printing on
    /// explicit request). Wipe it with `Memory.wipe` when done.
    public func unsafeCopy() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}

extension SecretBytes: Equatable {
    /// Constant-time equality of two secrets of the same length.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in ConstantTime.equal(a, b) } }
    }
}

/// Comparison whose running time does not depend on where inputs differ (for MACs and tags).
public enum ConstantTime {
    /// `true` when both byte strings are equal; unequal lengths are unequal (length is not secret).
    public static func equal<A: ContiguousBytes, B: ContiguousBytes>(_ a: A, _ b: B) -> Bool {
        a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                guard a.count == b.count else { return false }
                guard a.count > 0 else { return true }
                Sodium.ensureInitialized()
                return sodium_memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
            }
        }
    }
}

/// Wiping of plain buffers that held secrets.
public enum Memory {
    /// Overwrites `bytes` with zeros in a way the optimiser cannot remove, then empties it.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 { sodium_memzero(base, buffer.count) }
        }
        bytes.removeAll()
    }
}
