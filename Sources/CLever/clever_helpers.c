#include "clever_helpers.h"
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <sys/vfs.h>

static _Thread_local char *last_error = NULL;

void clever_set_last_error(const char *message) {
    free(last_error);
    last_error = message ? strdup(message) : NULL;
}

const char *clever_last_error(void) {
    return last_error ? last_error : "";
}

const char *clever_blas_kernel_advice(void) {
    static const char *generic[] = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", NULL};
    const char *core = openblas_get_corename();
    int is_generic = 0;
    for (int i = 0; core != NULL && generic[i] != NULL; i++) is_generic |= strcmp(core, generic[i]) == 0;
    if (!is_generic) return NULL;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return NULL;
}

long long clever_filesystem_type(int fd) {
    struct statfs fs;
    return fstatfs(fd, &fs) == 0 ? (long long)(unsigned long)fs.f_type : -1;
}
