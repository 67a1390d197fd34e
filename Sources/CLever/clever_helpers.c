#include "clever_helpers.h"
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

static _Thread_local char *last_error = NULL;

void clever_set_last_error(const char *message) {
    free(last_error);
    last_error = message ? strdup(message) : NULL;
}

const char *clever_last_error(void) {
    return last_error ? last_error : "";
}

long long clever_filesystem_type(int fd) {
    struct statfs fs;
    return fstatfs(fd, &fs) == 0 ? (long long)(unsigned long)fs.f_type : -1;
}
