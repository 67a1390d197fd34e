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
 * model. Changing the file in place while it is loaded (truncating it, or copying another file over it
 * with cp) is undefined behaviour: the process may receive SIGBUS, crash or rank from unchecked data;
 * an I/O error on the file's device can also raise SIGBUS. Replace model files by rename.
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

/* ---- In-memory training, model info and lookup, embeddings, prediction options ------------------- */

/**
 * Trains a model from data in memory; the same data and config give the same model as lever_train
 * on files holding them. `config_json` is a run config WITHOUT a `data` section (one is refused with
 * LEVER_ERR_CONFIG naming the key); its `output` section is ignored. The data:
 * - `texts`: n_rows training texts (n_rows >= 1);
 * - the label rows in CSR form: `label_indptr` holds n_rows + 1 offsets (label_indptr[0] = 0,
 *   non-decreasing), row r's label ids are label_ids[label_indptr[r] .. label_indptr[r+1]-1], each in
 *   0 .. n_labels-1 and at most once per row; `label_values` (same length as label_ids, each finite
 *   and > 0) or NULL for all 1 (as `id:1` in a label file). label_ids may be NULL when no row has labels;
 * - `label_texts`: n_labels label texts (n_labels >= 1), label id i being label_texts[i].
 * Every string must be valid UTF-8. Bad arguments give LEVER_ERR_INVALID_ARG with a message naming
 * the argument and row ("labels: row 17: label id 99 is outside 0..<50"); sizes that cannot be held
 * in memory give LEVER_ERR_NO_MEMORY. No test split is needed. `progress` may be NULL. The arrays are
 * only read during the call. On success *out owns a new model.
 */
lever_status lever_train_memory(const char *config_json, const char *const *texts, size_t n_rows,
                                const int64_t *label_indptr, const int64_t *label_ids, const float *label_values,
                                const char *const *label_texts, size_t n_labels, lever_progress_fn progress,
                                void *user_data, lever_model **out);

/**
 * A JSON object describing the model: "format_version" (the model-file format this library writes),
 * "library_version", "method" ("knn", "teacher" or "lever"), "num_labels", "feature_dimension",
 * "embedding_dimension" (null for knn), "parts" (the featuriser settings and, by method, "knn", or
 * "teacher" {dim, vocabulary_rows} and "student" {fine_tuned_encoder, sparse_term_entries,
 * lexical_source, predict_shortlist, shortlist_graph ({items, m, ef_search} of the HNSW graph the
 * shortlist searches, or null: exact), lexical_shortlist, fusion}), "config" (the full config the model
 * was trained with) and "training" (train_seconds, stage_seconds, rows, labels, label_entries,
 * threads; null for a model file written before these were recorded). On success *out is a new
 * NUL-terminated UTF-8 string owned by the caller: release it with lever_string_free.
 */
lever_status lever_model_info_json(const lever_model *model, char **out);

/**
 * Releases a string Lever returned to the caller (lever_model_info_json, lever_config_defaults,
 * lever_config_schema, lever_config_check, lever_metrics_compute). NULL is a no-op.
 */
void lever_string_free(char *string);

/**
 * The id of the label whose text is exactly `text` (byte for byte; the lowest id when several labels
 * share the text). A text no label has is not an error: *out is then -1 and the status LEVER_OK.
 * The first lookup on a model builds an index of its label texts. Thread-safe on a shared model.
 */
lever_status lever_model_label_id(const lever_model *model, const char *text, int64_t *out);

/**
 * The dimension of the model's embeddings (the teacher encoder's): 0 for a knn model, which has no
 * encoder.
 */
lever_status lever_model_embedding_dim(const lever_model *model, size_t *out);

/**
 * Embeds `n_texts` texts with the teacher encoder (the one the teacher shortlist scores with; for
 * "lever" models the student's own fine-tuned encoder is not used): writes n_texts x dim floats,
 * row-major, each row of unit length (zero for a text without known features), to `out`. `dim` is the
 * row length of `out` and must equal lever_model_embedding_dim. A knn model gives
 * LEVER_ERR_INVALID_ARG. Thread-safe on a shared model.
 */
lever_status lever_model_embed_texts(const lever_model *model, const char *const *texts, size_t n_texts,
                                     float *out, size_t dim);

/**
 * The teacher's embeddings of labels first .. first+count-1: count x dim floats, row-major, unit rows,
 * to `out` (`dim` as for lever_model_embed_texts). A label's teacher score for a text is the dot product
 * of the two embeddings. A range outside the labels or a knn model gives LEVER_ERR_INVALID_ARG.
 */
lever_status lever_model_embed_labels(const lever_model *model, size_t first, size_t count, float *out,
                                      size_t dim);

/**
 * Options of lever_model_predict_ex. Versioned by `struct_size`: always fill it with
 * lever_predict_options_init, then set fields. Later versions only add fields at the end; a library
 * given a larger struct than it knows refuses it unless the unknown bytes are zero.
 */
typedef struct lever_predict_options {
    uint32_t struct_size;          /**< sizeof(lever_predict_options), set by lever_predict_options_init */
    uint32_t threads;              /**< worker threads; 0 = the default of lever_model_predict; at most 1024 */
    int32_t has_score_floor;       /**< non-zero: labels scoring below score_floor are not returned */
    float score_floor;             /**< finite; slots that would hold such labels hold label -1, score 0 */
    const int64_t *exclude_indptr; /**< NULL, or n_texts + 1 offsets into exclude_ids (CSR, like label_indptr) */
    const int64_t *exclude_ids;    /**< label ids row i never returns (0 .. num_labels-1; repeats allowed) */
} lever_predict_options;

/** Sets the defaults (no floor, no exclusions, default threads) and struct_size. NULL is a no-op. */
void lever_predict_options_init(lever_predict_options *options);

/**
 * As lever_model_predict, with options (NULL: the defaults, which is lever_model_predict). Rows are
 * best first; excluded labels and labels below the floor leave their slots to the next labels, and
 * slots with no label left hold label -1 and score 0. Results do not depend on the thread count.
 */
lever_status lever_model_predict_ex(const lever_model *model, const char *const *texts, size_t n_texts, size_t k,
                                    const lever_predict_options *options, int64_t *labels, float *scores);

/**
 * One label range's part of lever_model_predict_ex (a label shard's part of a prediction): rows hold
 * only labels label_first .. label_end - 1 (0 <= label_first < label_end <= num_labels), those the full
 * prediction considers, with the same scores. So the rows of ranges that cover every label, merged by
 * score (lower label first among equal scores) and cut to k, are exactly the full prediction's rows.
 * Candidates still come from all labels: each range's call costs about a full prediction's shortlist.
 */
lever_status lever_model_predict_range(const lever_model *model, const char *const *texts, size_t n_texts,
                                       size_t k, const lever_predict_options *options, size_t label_first,
                                       size_t label_end, int64_t *labels, float *scores);

/* ---- Config schema ------------------------------------------------------------------------ */

/**
 * Writes the default run config (every key with its default) as pretty-printed JSON to *out.
 * The string is allocated by Lever: release it with lever_string_free.
 */
lever_status lever_config_defaults(char **out);

/**
 * Writes the config schema to *out as a JSON array with one object per key, in document order:
 * "key" (dotted path, e.g. "teacher.dim"), "type" ("integer", "number", "boolean", "string",
 * "choice", "integer_list"), "min"/"max" for numbers, "choices" for a choice, "non_empty" for a
 * string, "default" and "description". Release it with lever_string_free.
 */
lever_status lever_config_schema(char **out);

/**
 * Checks a run config (JSON text, at most LEVER_MAX_CONFIG_BYTES) without reading the files it
 * names. Returns LEVER_OK when it is valid, LEVER_ERR_CONFIG when not, with every problem listed in
 * lever_last_error(). Unless `problems` is NULL, *problems receives (for LEVER_OK and
 * LEVER_ERR_CONFIG alike) a JSON array of {"key", "message"} objects, one per problem ("key" is ""
 * when the text is not JSON), to release with lever_string_free. A NULL or non-UTF-8 `json` is
 * LEVER_ERR_INVALID_ARG and leaves *problems unwritten.
 */
lever_status lever_config_check(const char *json, char **problems);

/* ---- Metrics and new labels ------------------------------------------------------------------ */

/**
 * New labels by text, without retraining (zero-shot). On success *out owns a NEW model: `model`'s
 * labels followed by n new ones with ids num_labels .. num_labels + n - 1, whose texts are `texts`;
 * `model` itself is unchanged (other threads may keep using it). Each new label is scored from its
 * text through the teacher's encoder: its teacher embedding is computed as teacher training computes
 * a label's, and a student's vector for it is initialised as student training initialises a label
 * (student.init_scale x that embedding, bias -init_scale / 2). The student's sparse term and lexical
 * candidate source have no entries for new labels. Texts must be non-empty (LEVER_ERR_INVALID_ARG
 * names the text); a text may repeat a label's text (training labels may too), and such labels get
 * the same teacher embedding. A kNN model is refused with LEVER_ERR_INVALID_ARG. Thread-safe on a
 * shared model.
 */
lever_status lever_model_add_labels(const lever_model *model, const char *const *texts, size_t n, lever_model **out);

/**
 * Input of lever_metrics_compute. Set struct_size to sizeof(lever_metrics_input) and zero the struct
 * first (memset): later versions append fields, and a library older than the header accepts a larger
 * struct only when the fields it does not know are zero. Unused optional arrays are NULL.
 * Label ids are 0-based and below n_labels.
 */
typedef struct lever_metrics_input {
    size_t struct_size;
    /** n_rows x width label ids, row-major, best first; -1 is an empty slot (skipped; a row may end early). */
    const int64_t *predictions;
    size_t n_rows;
    size_t width;
    /** True labels in CSR: row r's labels are truth_labels[truth_indptr[r] .. truth_indptr[r+1]). */
    const int64_t *truth_indptr; /**< n_rows + 1 entries, truth_indptr[0] == 0, non-decreasing (as label_indptr) */
    const int64_t *truth_labels; /**< truth_indptr[n_rows] entries; a repeated id counts once */
    size_t n_labels;
    /**
     * Optional: training rows per label (n_labels entries, each in 0..n_train_rows) and the number of
     * training rows (at least 3 unless inv_propensities is given: below that Jain et al.'s formula
     * gives weights <= 0). They give the propensities (Jain et al. 2016 with A and B) and the bands.
     */
    const int64_t *train_counts;
    size_t n_train_rows;
    /** Optional: n_labels inverse propensities (finite, > 0), used instead of the ones from train_counts. */
    const double *inv_propensities;
    /** Optional: n_filter_pairs (row, label) pairs, 2 int64 each, removed from the rankings (XC filter files). */
    const int64_t *filter_pairs;
    size_t n_filter_pairs;
} lever_metrics_input;

/**
 * The field's metrics, in percent, of ranked predictions against true labels: P@k, nDCG@k, PSP@k,
 * PSnDCG@k, coverage@k and recall@k for each cut-off k, overall and per label-frequency band (head,
 * torso, tail by training rows per label), as `lever eval --json` writes them.
 *
 * `options_json` may be NULL or a JSON object with any of: "k" (an integer K for 1..K, or an array of
 * cut-offs; default 5), "propensity_a" (default 0.55), "propensity_b" (default 1.5), "head_min_count"
 * (default 51) and "tail_max_count" (default 5), the keys and ranges of the run config's `evaluation`.
 *
 * Per row, filtered pairs and repeated labels (after their first occurrence) leave the ranking.
 * Recall averages over rows with a positive ("rows_with_positive" in the output); nDCG, P and the
 * propensity-scored metrics over all rows. PSP and PSnDCG need train_counts or inv_propensities and
 * are absent without both; "bands" is empty without train_counts.
 *
 * The output: {"overall": T, "bands": {"head": B, "torso": B, "tail": B}} with T = {"rows",
 * "rows_with_positive", "labels_with_test_positive", "P": {"1": value, ...}, "nDCG", "PSP", "PSnDCG",
 * "coverage", "recall"} (one entry per cut-off) and B = {"train_rows": range text, "labels": count,
 * "metrics": T}, a band's T restricting truth and rankings to its labels and rows to those with a
 * positive among them. New keys may be added.
 *
 * On success *out_json is a new NUL-terminated JSON object owned by the caller, released with
 * lever_string_free. Thread-safe.
 */
lever_status lever_metrics_compute(const lever_metrics_input *input, const char *options_json, char **out_json);

/* ---- Label-sharded training (the engine side of the Python package's lever.distributed) ------ */

/**
 * Phase 1 of a label-sharded training run. Trains what lever_train trains from the same config,
 * except the classifiers of the student's linear ranker (student.linear), whose per-label problems it
 * writes to `work_path` (atomically), for phase-2 calls anywhere to read. Relative data paths resolve
 * against `base_dir` (NULL: the current directory); "compare" is ignored. On success *out owns the
 * model without its linear ranker and *labels_out is the number of labels to shard; 0 when the config
 * trains no linear ranker (the model is then complete and no work file is written).
 */
lever_status lever_shard_prepare(const char *config_json, const char *base_dir, const char *work_path,
                                 lever_progress_fn progress, void *user_data, lever_model **out,
                                 size_t *labels_out);

/**
 * Phase 2: solves the classifiers of labels first_label .. end_label - 1 of a work file into the
 * shard file `shard_path`, written atomically (a failed or killed call leaves no shard there).
 * threads: 0 = one per core, at most 1024. A label's classifier depends only on its own instances and
 * seed, so shards do not depend on the threads or on how the labels are split.
 */
lever_status lever_shard_solve(const char *work_path, size_t first_label, size_t end_label, uint32_t threads,
                               const char *shard_path, lever_progress_fn progress, void *user_data);

/**
 * Phase 3: *out owns a NEW model, `model` (phase 1's) with its linear ranker merged from n_shards
 * shard files that hold each label exactly once, in any order, solved from that model's work file
 * (a shard of another run, a gap or an overlap is LEVER_ERR_INVALID_ARG naming the file). With the
 * same config and threads, the merged model predicts exactly as lever_train's model.
 */
lever_status lever_shard_merge(const lever_model *model, const char *const *shard_paths, size_t n_shards,
                               lever_model **out);

#ifdef __cplusplus
}
#endif

#endif /* LEVER_H */
