// libFuzzer's driver, for a target that has its own `main` (SwiftPM gives every executable one);
// the symbol comes from the runtime that `-sanitize=fuzzer` links.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
