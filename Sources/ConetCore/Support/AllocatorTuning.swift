#if os(Linux)
internal import CMalloc
#endif

/// glibc's allocator defaults suit small programs: blocks over 128 KiB are mapped and unmapped
/// one by one, and free memory above the heap's top is returned to the system at once. conet's
/// streams allocate and free 64-128 KiB buffers thousands of times a second, so with the defaults
/// a tight loop pays a page fault for every page of every buffer (the fused cipher's benchmark ran
/// at a third of its speed). Raising both thresholds keeps those buffers in the heap; peak memory
/// is unchanged, memory is simply not handed back between buffers.
public enum AllocatorTuning {
    public static func apply() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
        #endif
    }
}
