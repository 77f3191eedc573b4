import CByteSearch

/// How the process's large buffers go back to the system.
///
/// glibc serves an allocation of 128 KiB or more with its own `mmap` and returns it on `free`,
/// but the first such free raises that threshold to the freed size: from then on the 192 KiB
/// record batches, the joined requests and their sort buffers come from the heap, and freeing
/// them does not lower the resident size. Measured on the 1 GB generated corpus (gen.py, 700,000
/// kept lines): the records were resident about twice (in the workers' batches, then ordered
/// for the join) and the peak was 136 MB where the live heap never exceeded 97 MB. A fixed
/// threshold keeps every buffer of 128 KiB or more in its own mapping, so what is freed is
/// given back. The cost is one `mmap`/`munmap` pair per such buffer: a few hundred per scan.
public enum LargeBuffers {
    public static func returnToSystemWhenFreed() {
        _ = authlog_map_allocations_from(128 << 10)
    }
}
