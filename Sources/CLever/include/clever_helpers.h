// Small C helpers for the engine. Hidden: they are not part of liblever's ABI.
#ifndef CLEVER_HELPERS_H
#define CLEVER_HELPERS_H
#include <stddef.h>
#define CLEVER_HIDDEN __attribute__((visibility("hidden")))

/// Stores a copy of `message` as this thread's last error (NULL clears it).
CLEVER_HIDDEN void clever_set_last_error(const char *message);
/// This thread's last error, or "" when there is none. Valid until the next set on this thread.
CLEVER_HIDDEN const char *clever_last_error(void);

/// The OpenBLAS kernel this CPU should use when the loaded OpenBLAS did not recognise it and fell back
/// to a generic SSE kernel ("SkylakeX" with AVX-512, "Haswell" with AVX2 + FMA), else NULL. OpenBLAS
/// 0.3.21 (Debian 12) does not know CPUs released after it (e.g. Xeon model 207) and runs sgemm 3-5x
/// slower there; OPENBLAS_CORETYPE, read when OpenBLAS loads, overrides its choice.
CLEVER_HIDDEN const char *clever_blas_kernel_advice(void);
/// The filesystem type (statfs f_type) of the open file `fd`, or -1 when it cannot be found.
CLEVER_HIDDEN long long clever_filesystem_type(int fd);
#endif
