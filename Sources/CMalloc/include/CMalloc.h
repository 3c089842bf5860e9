// glibc's malloc settings and statistics, which Swift's Glibc module leaves out (<malloc.h>).
// With another C library (musl, Darwin) the functions do nothing and return -1.
#ifndef CMALLOC_H
#define CMALLOC_H

#include <stddef.h>

/// mallopt(M_MMAP_THRESHOLD, bytes): blocks of `bytes` or more get mappings of their own, and
/// glibc stops moving the threshold by itself. 1 when set, 0 when refused, -1 without glibc.
int cmalloc_set_mmap_threshold(size_t bytes);

/// mallopt(M_TRIM_THRESHOLD, bytes): free memory at the top of a heap is given back to the
/// system once it exceeds `bytes`. 1 when set, 0 when refused, -1 without glibc.
int cmalloc_set_trim_threshold(size_t bytes);

/// malloc_trim(0): gives the system back the free pages of every arena. 1 when some were
/// given back, 0 when none, -1 without glibc.
int cmalloc_trim(void);

/// The bytes held in blocks that have mappings of their own (mallinfo2's hblkhd), or -1
/// without glibc 2.33 or later.
long long cmalloc_mapped_bytes(void);

#endif
