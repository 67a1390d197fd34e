// Small C helpers for the engine. Hidden: they are not part of liblever's ABI.
#ifndef CLEVER_HELPERS_H
#define CLEVER_HELPERS_H
#include <stddef.h>
#define CLEVER_HIDDEN __attribute__((visibility("hidden")))

/// Stores a copy of `message` as this thread's last error (NULL clears it).
CLEVER_HIDDEN void clever_set_last_error(const char *message);
/// This thread's last error, or "" when there is none. Valid until the next set on this thread.
CLEVER_HIDDEN const char *clever_last_error(void);
/// The filesystem type (statfs f_type) of the open file `fd`, or -1 when it cannot be found.
CLEVER_HIDDEN long long clever_filesystem_type(int fd);
#endif
