/// Size buckets for `--pad`: the payload plaintext is padded to the next PADMÉ size (Nikitin et
/// al., "Reducing Metadata Leakage from Encrypted Files and Communication with PURBs", 2019),
/// never below 1 KiB. A PADMÉ size keeps only its top ⌊log2 log2 L⌋ + 1 bits, so padding costs at
/// most 12% and a length leaks O(log log L) bits instead of O(log L).
public enum PaddingBuckets {
    /// The smallest padded payload: short messages all look alike.
    public static let minimum = 1024

    /// The bucket a payload of `length` bytes is padded up to.
    public static func bucket(for length: Int) -> Int {
        let length = max(length, minimum)
        let exponent = Int.bitWidth - 1 - length.leadingZeroBitCount // ⌊log2 L⌋
        let exponentBits = Int.bitWidth - exponent.leadingZeroBitCount // ⌊log2 E⌋ + 1
        let dropped = exponent - exponentBits
        let mask = (1 << dropped) - 1
        return (length + mask) & ~mask
    }
}
