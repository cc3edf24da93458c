import CMalloc

/// How the executables' processes use glibc's malloc, set once at start-up before any thread.
public enum MallocPolicy {
    /// glibc's default starting threshold, fixed so it stops adapting.
    static let mmapThresholdBytes: Int32 = 128 * 1024

    /// Request bodies of megabytes (an 8 MB photo) are mapped and given back when freed. Left to
    /// itself, glibc raises its mmap threshold to the largest block freed so far, so after one
    /// upload every later one lands in a worker's heap and stays resident after the answer.
    public static func apply() {
        mallopt(M_MMAP_THRESHOLD, mmapThresholdBytes)
    }
}
