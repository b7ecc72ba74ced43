#ifndef CONET_CSODIUM_SHIM_H
#define CONET_CSODIUM_SHIM_H
#include <sodium.h>
#endif
