#include "clever_helpers.h"
#include <stdlib.h>
#include <string.h>

static _Thread_local char *last_error = NULL;

void clever_set_last_error(const char *message) {
    free(last_error);
    last_error = message ? strdup(message) : NULL;
}

const char *clever_last_error(void) {
    return last_error ? last_error : "";
}
