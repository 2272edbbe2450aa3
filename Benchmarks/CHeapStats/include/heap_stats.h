#ifndef HEAP_STATS_H
#define HEAP_STATS_H
#include <stddef.h>

/// Bytes the C allocator has handed out and not yet had back (glibc mallinfo2: uordblks + hblkhd).
size_t heap_bytes_in_use(void);

#endif
