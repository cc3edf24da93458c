#include "FuzzDriver.h"
#include <stdio.h>
#include <stdlib.h>

// Defined by libFuzzer's runtime; null when the binary was built without it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, fuzz_one_input callback) __attribute__((weak));

static int replay(const char *path, fuzz_one_input test_one_input) {
    FILE *file = fopen(path, "rb");
    if (!file) { perror(path); return 1; }
    size_t capacity = 4096, size = 0;
    uint8_t *data = malloc(capacity);
    size_t got;
    while (data && (got = fread(data + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) { capacity *= 2; data = realloc(data, capacity); }
    }
    fclose(file);
    if (!data) { fprintf(stderr, "%s: out of memory\n", path); return 1; }
    test_one_input(data, size);
    free(data);
    fprintf(stderr, "replayed %s (%zu bytes)\n", path, size);
    return 0;
}

int fuzz_driver_main(int argc, char **argv, fuzz_one_input test_one_input) {
    if (LLVMFuzzerRunDriver) return LLVMFuzzerRunDriver(&argc, &argv, test_one_input);
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') continue;
        failures += replay(argv[i], test_one_input);
    }
    return failures ? 1 : 0;
}
