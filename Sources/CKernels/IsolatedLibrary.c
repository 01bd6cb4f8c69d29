#define _GNU_SOURCE
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__linux__) && defined(__GLIBC__)
#include <dlfcn.h>

void *ck_open_isolated_library(const char *name, const char *variable, const char *value) {
    const char *previous = getenv(variable);
    char *saved = previous ? strdup(previous) : NULL;
    if (previous && !saved) return NULL;
    if (setenv(variable, value, 1) != 0) {
        free(saved);
        return NULL;
    }
    void *handle = dlmopen(LM_ID_NEWLM, name, RTLD_NOW | RTLD_LOCAL);
    if (saved) {
        setenv(variable, saved, 1);
        free(saved);
    } else {
        unsetenv(variable);
    }
    return handle;
}

const char *ck_library_path_of(const void *symbol) {
    Dl_info info;
    if (!dladdr(symbol, &info) || !info.dli_fname || !info.dli_fname[0]) return NULL;
    return info.dli_fname;
}
#else
void *ck_open_isolated_library(const char *name, const char *variable, const char *value) {
    (void)name; (void)variable; (void)value;
    return NULL;
}

const char *ck_library_path_of(const void *symbol) {
    (void)symbol;
    return NULL;
}
#endif
