#ifndef CONET_CZSTD_SHIM_H
#define CONET_CZSTD_SHIM_H
// Advanced parameters (ZSTD_d_windowLogMax, ZSTD_c_nbWorkers) are stable since zstd 1.4.
#include <zstd.h>
#include <zstd_errors.h>
#endif
