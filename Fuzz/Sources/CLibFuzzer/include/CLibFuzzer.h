#ifndef CONET_CLIBFUZZER_H
#define CONET_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for a program that has its own `main` (Swift's, here): parses libFuzzer's
/// options from the command line, then runs `callback` on each input. It is in the libFuzzer
/// runtime that `-sanitize=fuzzer` links.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
