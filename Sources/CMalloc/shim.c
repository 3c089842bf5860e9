#include "CMalloc.h"

#include <stdlib.h>  // defines __GLIBC__ with glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int cmalloc_set_mmap_threshold(size_t bytes) {
#if defined(__GLIBC__)
    return bytes > (size_t)0x7fffffff ? 0 : mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
    return -1;
#endif
}

int cmalloc_set_trim_threshold(size_t bytes) {
#if defined(__GLIBC__)
    return bytes > (size_t)0x7fffffff ? 0 : mallopt(M_TRIM_THRESHOLD, (int)bytes);
#else
    (void)bytes;
    return -1;
#endif
}

int cmalloc_trim(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return -1;
#endif
}

long long cmalloc_mapped_bytes(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return (long long)mallinfo2().hblkhd;
#else
    return -1;
#endif
}
