// Small C helpers for the engine. Hidden: they are not part of liblever's ABI.
#ifndef CLEVER_HELPERS_H
#define CLEVER_HELPERS_H
#include <stddef.h>
#define CLEVER_HIDDEN __attribute__((visibility("hidden")))

/// Stores a copy of `message` as this thread's last error (NULL clears it).
CLEVER_HIDDEN void clever_set_last_error(const char *message);
/// This thread's last error, or "" when there is none. Valid until the next set on this thread.
CLEVER_HIDDEN const char *clever_last_error(void);
#endif
