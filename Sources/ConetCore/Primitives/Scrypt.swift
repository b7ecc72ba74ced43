internal import CSodium

/// scrypt (RFC 7914) through libsodium's low-level call, which takes any N, r and p as keystores
/// store them. Its SSE2 code unlocks a standard keystore (N = 2^18) in 0.75 s where swift-crypto's
/// scrypt took 0.89 s, and every wallet unlock pays it.
enum Scrypt {
    /// The largest output asked for: keystores want 32 bytes, RFC 7914's vectors 64.
    static let maxByteCount = 1024

    /// The `byteCount`-byte key derived from `password` and `salt`. Callers bound the cost first
    /// (a hostile keystore names the parameters: see `KeystoreLimits`); this function refuses, with
    /// overflow-checked arithmetic, whatever libsodium could not take or its size computations
    /// could not hold, so no parameter traps or reaches C out of range.
    static func deriveKey(
        password: UnsafeRawBufferPointer, salt: [UInt8], n: Int, r: Int, p: Int, byteCount: Int
    ) throws(CryptoError) -> SecretBytes {
        Sodium.ensureInitialized()
        guard n > 1, n & (n - 1) == 0, let r32 = UInt32(exactly: r), let p32 = UInt32(exactly: p), r32 > 0, p32 > 0 else {
            throw .unsupportedParameter("scrypt needs N a power of two above 1 and r and p in 1...2^32-1 (N = \(n), r = \(r), p = \(p))")
        }
        guard (1...maxByteCount).contains(byteCount) else {
            throw .unsupportedParameter("scrypt output length \(byteCount) is outside 1...\(maxByteCount)")
        }
        // libsodium's own bounds (r·p < 2^30), and the sizes it allocates (128·r·N and 128·r·p)
        // must fit in memory's address range.
        let (rp, rpOverflow) = r.multipliedReportingOverflow(by: p)
        let (table, tableOverflow) = (128 * r).multipliedReportingOverflow(by: n)
        let (blocks, blocksOverflow) = (128 * r).multipliedReportingOverflow(by: p)
        guard !rpOverflow, rp < 1 << 30, !tableOverflow, !blocksOverflow, table.addingReportingOverflow(blocks).overflow == false else {
            throw .unsupportedParameter("scrypt N = \(n), r = \(r), p = \(p) needs more memory than can be addressed")
        }
        // An empty password (other tools allow one) or salt still needs a non-null pointer.
        let empty: UInt8 = 0
        var failed = false
        let key = SecretBytes(count: byteCount) { output in
            failed = withUnsafePointer(to: empty) { empty in
                salt.withUnsafeBufferPointer { salt in
                    crypto_pwhash_scryptsalsa208sha256_ll(
                        password.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty, password.count,
                        salt.baseAddress ?? empty, salt.count, UInt64(n), r32, p32,
                        output.baseAddress!.assumingMemoryBound(to: UInt8.self), output.count) != 0
                }
            }
        }
        if failed { throw .unsupportedParameter("scrypt refused N = \(n), r = \(r), p = \(p) (out of memory or out of range)") }
        return key
    }
}
