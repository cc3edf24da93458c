#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

typedef int (*fuzz_one_input)(const uint8_t *data, size_t size);

/// Runs libFuzzer when the binary was linked with it (-sanitize=fuzzer); otherwise calls
/// `test_one_input` once per file named on the command line, so a saved input replays in any build.
int fuzz_driver_main(int argc, char **argv, fuzz_one_input test_one_input);

#endif
