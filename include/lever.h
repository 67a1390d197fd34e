/*
 * lever.h — the C ABI of Lever, an extreme-classification library.
 *
 * This header is the single source of truth for the ABI: the Swift engine implements each function
 * declared here, and the compiler checks every signature against this file.
 *
 * Conventions
 * - Every fallible function returns a lever_status. On failure it also sets a message for the calling
 *   thread, read with lever_last_error(); the message names the argument, file, line or config key at
 *   fault. Output parameters are written only on success.
 * - Handles are opaque ids, not addresses: each handle value is given out once per process and is
 *   never reused, so a freed (stale) handle is refused with LEVER_ERR_INVALID_ARG and can never reach
 *   another model. A lever_model is immutable once trained or loaded: any number of threads may call
 *   the const functions on one model at once; a call in progress keeps the model alive if another
 *   thread frees the handle meanwhile.
 * - Buffers passed in are owned by the caller and only read (or, for outputs, written) during the call.
 * - Strings are NUL-terminated UTF-8.
 * - Files read (configs, data files, models, teacher.load) must be regular files: a folder, FIFO,
 *   device or socket is refused with LEVER_ERR_IO naming the path, without blocking or reading it.
 *   A config (file or string) may be at most 1 MiB (LEVER_MAX_CONFIG_BYTES).
 * - Only the first 65,536 bytes (LEVER_MAX_TEXT_BYTES) of each input text, training text or label
 *   text are featurised (cut at a UTF-8 character boundary); the rest is ignored, which bounds the
 *   memory and time per text.
 * - Allocations Lever can foresee (a whole model file, for instance) are checked first: when they
 *   cannot succeed the call returns LEVER_ERR_NO_MEMORY instead of ending the process.
 */
#ifndef LEVER_H
#define LEVER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LEVER_VERSION_MAJOR 0
#define LEVER_VERSION_MINOR 1
#define LEVER_VERSION_PATCH 0
#define LEVER_VERSION_STRING "0.1.0"
/** Bumped whenever a signature or a type in this header changes incompatibly. */
#define LEVER_ABI_VERSION 1
/** The largest config accepted, in bytes (file or string). */
#define LEVER_MAX_CONFIG_BYTES (1 << 20)
/** Bytes of a text that are featurised; the rest of a longer text is ignored. */
#define LEVER_MAX_TEXT_BYTES (1 << 16)

/** Result of every fallible call. */
typedef enum lever_status {
    LEVER_OK = 0,
    LEVER_ERR_INVALID_ARG = 1,  /**< a NULL pointer, a zero or overflowing size, invalid UTF-8 */
    LEVER_ERR_IO = 2,           /**< a file could not be opened, read, written or renamed */
    LEVER_ERR_DATA = 3,         /**< a data file is malformed (the message names file and line) */
    LEVER_ERR_CONFIG = 4,       /**< a config is not strict UTF-8 JSON, has an unknown or duplicate key, a wrong type */
    LEVER_ERR_NOT_A_MODEL = 5,  /**< the file is not a Lever model (wrong magic) */
    LEVER_ERR_VERSION = 6,      /**< the model file's format version is not supported */
    LEVER_ERR_CORRUPT = 7,      /**< the model file is truncated, fails a checksum or holds invalid values */
    LEVER_ERR_CANCELLED = 8,    /**< the progress callback asked to stop */
    LEVER_ERR_NO_MEMORY = 9,    /**< an allocation would fail (e.g. a model file larger than memory) */
    LEVER_ERR_INTERNAL = 10     /**< a bug in Lever; please report it with the message */
} lever_status;

/** A trained model. Opaque; create with lever_train* or lever_model_load, release with lever_model_free. */
typedef struct lever_model lever_model;

/**
 * Progress callback for long work. `stage` names the step ("features", "knn-index", ...), `fraction`
 * is the share of that step done in [0, 1], `message` is a human-readable line (rate, ETA). Both
 * strings are valid only during the call. Return 0 to continue, non-zero to cancel: the call then
 * returns LEVER_ERR_CANCELLED and leaves nothing half-made. Called on the thread that called
 * lever_train*.
 */
typedef int (*lever_progress_fn)(const char *stage, double fraction, const char *message, void *user_data);

/** The library's version string ("MAJOR.MINOR.PATCH"); static storage. */
const char *lever_version(void);

/** The ABI version the library was built with; compare with LEVER_ABI_VERSION. */
int lever_abi_version(void);

/** A short English description of a status; static storage. Unknown values give "unknown status". */
const char *lever_status_string(lever_status status);

/**
 * The message of the last failed call on this thread, or "" when there is none. Valid until the
 * next Lever call on the same thread; copy it to keep it.
 */
const char *lever_last_error(void);

/**
 * Trains a model from a JSON run config (the format `lever config --defaults` prints). Data paths in
 * the config are read from disk; the config's `output` section is ignored here (save the model with
 * lever_model_save). `progress` may be NULL. On success *out owns a new model.
 */
lever_status lever_train(const char *config_json, lever_progress_fn progress, void *user_data,
                         lever_model **out);

/** As lever_train, reading the config from a file; relative data paths resolve against the file's folder. */
lever_status lever_train_file(const char *config_path, lever_progress_fn progress, void *user_data,
                              lever_model **out);

/**
 * Loads a model file written by lever_model_save or `lever train`. On success *out owns a new model.
 * The file is mapped read-only and shared, not copied (docs/model-format.md, "Reading"): processes that
 * load one file share its pages. A later save to the same path (a rename) does not affect the loaded
 * model; truncating or rewriting the file in place while it is loaded makes the process receive SIGBUS.
 */
lever_status lever_model_load(const char *path, lever_model **out);

/**
 * Writes the model to `path` atomically: a uniquely named temporary file `.<name>.lever-tmp-<pid>-XXXXXX`
 * in the same folder is written, synced and renamed over `path`, so a failed or interrupted save leaves
 * any existing file at `path` intact, and concurrent saves to one path each leave a complete model.
 * Only a regular file or a missing path is replaced; a symbolic link to a regular file has its target
 * replaced (the link stays); a folder, FIFO, device, socket or dangling link is refused with
 * LEVER_ERR_IO. A new file gets mode 0644 minus the umask, a replaced file keeps its mode. Missing
 * folders are created, and removed again if the save fails. Temporary files left by a killed process
 * (whose pid no longer exists) are removed by the next save to the same path.
 */
lever_status lever_model_save(const lever_model *model, const char *path);

/** Releases a model. NULL is a no-op. */
void lever_model_free(lever_model *model);

/** Number of labels the model ranks. */
lever_status lever_model_num_labels(const lever_model *model, size_t *out);

/** The text of label `label` (0-based). The string is owned by the model and lives as long as it. */
lever_status lever_model_label_text(const lever_model *model, size_t label, const char **out);

/**
 * Scores `n_texts` input texts and writes each one's top `k` labels, best first, into the
 * caller-allocated row-major arrays `labels` and `scores` (n_texts * k entries each). Slots beyond
 * the labels the model can rank for a text hold label -1 and score 0. `scores` may be NULL.
 * k must be at least 1; a k or n_texts that is negative as a signed value (e.g. SIZE_MAX) is
 * LEVER_ERR_INVALID_ARG.
 * Thread-safe on a shared model.
 */
lever_status lever_model_predict(const lever_model *model, const char *const *texts, size_t n_texts,
                                 size_t k, int64_t *labels, float *scores);

#ifdef __cplusplus
}
#endif

#endif /* LEVER_H */
