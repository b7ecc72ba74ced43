#ifndef CONET_CMALLOC_SHIM_H
#define CONET_CMALLOC_SHIM_H
// glibc's allocator tuning (mallopt); conet's only use is AllocatorTuning.
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
