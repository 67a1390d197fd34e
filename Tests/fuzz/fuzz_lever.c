/* A seeded mutation fuzzer over everything Lever reads: run-config JSON (lever_train, lever_config_check), data files
 * (lever_train_file on a mutated dataset folder), model files (lever_model_load, then predict; the seed model
 * searches its label shortlist through an HNSW graph, so its ANN section is mutated like the others) and
 * special inputs: texts of several MB (predict and a training line), NUL bytes inside JSON strings,
 * config paths and data files, headers claiming huge row counts, /dev/null as every kind of file
 * and, with LEVER_FUZZ_SPECIAL_FILES=1, /dev/zero and a FIFO (these need the library to refuse
 * non-regular files; older builds block or run out of memory on them), the array entry points:
 * lever_train_memory with mutated CSR label rows, values, texts and label texts, and
 * lever_model_predict_ex with mutated options (struct size, threads, floor, exclusion CSR);
 * and the host API: metrics
 * over random prediction, truth, count, propensity and filter arrays with mutated options JSON
 * (lever_metrics_compute), and label texts with random bytes added to a model (lever_model_add_labels,
 * also called on every mutated model that loads).
 * Model mutations are structure-aware: after mutating section bytes the checksums are recomputed,
 * so the section decoders, not only the CRC check, see the damage.
 *
 *   fuzz_lever WORK_DIR SECONDS [SEED]
 *
 * The seed (from the clock and pid when not given) is printed first; the same seed replays the same
 * inputs. The mutations run in a forked child: a signal in it (a trap, a crash) or any
 * LEVER_ERR_INTERNAL is a failure and the exit status is 1. Before each execution the input is
 * written to WORK_DIR/last-input.*, so a crash leaves it there. Prints executions and the status
 * histogram per target, then "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include "lever.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng_state;
static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static size_t pick(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

typedef struct { unsigned char *data; size_t len, cap; } buf;

static void buf_set(buf *b, const void *src, size_t len) {
    if (len + 1 > b->cap) { b->cap = len + 4096; b->data = (unsigned char *)realloc(b->data, b->cap); }
    memcpy(b->data, src, len);
    b->len = len;
    b->data[len] = 0;
}

static void buf_reserve(buf *b, size_t len) {
    if (len + 1 > b->cap) { b->cap = len * 2 + 4096; b->data = (unsigned char *)realloc(b->data, b->cap); }
}

static const char *interesting[] = {"0", "1", "-1", ":", " ", "\n", ".", "e", "e9", "nan", "inf", "99999999999999999999",
                                    "\xff", "\xc3", "{", "}", "[", "]", "\"", ",", "null", "true", "4294967296", "-0",
                                    "\\u0000", "NaN", "Infinity", "'", "\xef\xbb\xbf", "9223372036854775807",
                                    "1000000000000", "18446744073709551616", "1e400", ":0"};

/* One random edit: flip, insert a token, delete or duplicate a span, overwrite a byte. */
static void mutate(buf *b, size_t limit) {
    int kind = (int)pick(6);
    size_t pos = pick(b->len + 1);
    if (kind == 0 && b->len > 0) {
        b->data[pick(b->len)] ^= (unsigned char)(1u << pick(8));
    } else if (kind == 1 && b->len < limit) {
        const char *tok = interesting[pick(sizeof interesting / sizeof *interesting)];
        size_t tl = strlen(tok);
        buf_reserve(b, b->len + tl);
        memmove(b->data + pos + tl, b->data + pos, b->len - pos);
        memcpy(b->data + pos, tok, tl);
        b->len += tl;
    } else if (kind == 2 && b->len > 0) {
        size_t n = 1 + pick(b->len - pos < 16 ? b->len - pos + 1 : 16);
        if (pos + n > b->len) n = b->len - pos;
        memmove(b->data + pos, b->data + pos + n, b->len - pos - n);
        b->len -= n;
    } else if (kind == 3 && b->len > 0 && b->len < limit) {
        size_t from = pick(b->len), n = 1 + pick(32);
        if (from + n > b->len) n = b->len - from;
        buf_reserve(b, b->len + n);
        memmove(b->data + pos + n, b->data + pos, b->len - pos);
        memmove(b->data + pos, b->data + (from >= pos ? from + n : from), n);
        b->len += n;
    } else if (kind == 4 && b->len > 0 && pick(4) == 0) {
        b->data[pick(b->len)] = 0; /* a raw NUL byte (for data files; JSON text is cut at it in C) */
    } else if (b->len > 0) {
        b->data[pick(b->len)] = (unsigned char)rnd();
    }
    b->data[b->len] = 0;
}

static int write_file(const char *path, const buf *b) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) return -1;
    fwrite(b->data, 1, b->len, f);
    fclose(f);
    return 0;
}

static int read_file(const char *path, buf *b) {
    FILE *f = fopen(path, "rb");
    long n;
    if (f == NULL) return -1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf_reserve(b, (size_t)n);
    b->len = fread(b->data, 1, (size_t)n, f);
    fclose(f);
    return 0;
}

/* The model file's checksums: CRC-32 (format 1) or CRC-32C (format 2), both reflected. */
static uint32_t crc_table[256], crc32c_table[256];
static void crc_init(void) {
    uint32_t i, c, k;
    for (i = 0; i < 256; i++) {
        for (c = i, k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
        for (c = i, k = 0; k < 8; k++) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        crc32c_table[i] = c;
    }
}
static uint32_t model_checksum(const unsigned char *file, const unsigned char *p, size_t n) {
    const uint32_t *t = file[8] == 1 && file[9] == 0 ? crc_table : crc32c_table;
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = t[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(unsigned char *p, uint32_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24); }

/* Rewrites a format-2 file as format 1.1 (CRC-32 checksums), which the library still reads. */
static void as_format_1(buf *b) {
    uint32_t hlen = rd32(b->data + 16), count = rd32(b->data + 20), s;
    if (b->len < 32 || hlen < 36 || hlen > b->len || count > (hlen - 36) / 32) return;
    b->data[8] = 1; b->data[9] = 0; b->data[10] = 1; b->data[11] = 0;
    for (s = 0; s < count; s++) {
        unsigned char *entry = b->data + 32 + 32 * s;
        uint64_t off = rd64(entry + 8), len = rd64(entry + 16);
        if (off > b->len || len > b->len - off) continue;
        wr32(entry + 24, model_checksum(b->data, b->data + off, (size_t)len));
    }
    wr32(b->data + hlen - 4, model_checksum(b->data, b->data, hlen - 4));
}

/* Mutates bytes inside one section of a valid model file (keeping its length), then recomputes
 * that section's and the header's checksums; sometimes as a format 1.1 file. */
static void mutate_model(buf *b) {
    uint32_t hlen = rd32(b->data + 16), count = rd32(b->data + 20), s, edits, e;
    unsigned char *entry;
    uint64_t off, len;
    if (count == 0) return;
    s = (uint32_t)pick(count);
    entry = b->data + 32 + 32 * s;
    off = rd64(entry + 8);
    len = rd64(entry + 16);
    if (len == 0) return;
    edits = 1 + (uint32_t)pick(4);
    for (e = 0; e < edits; e++) {
        size_t at = (size_t)(off + pick((size_t)(len < 256 || pick(2) ? len : 256)));
        switch (pick(3)) {
        case 0: b->data[at] ^= (unsigned char)(1u << pick(8)); break;
        case 1: b->data[at] = (unsigned char)rnd(); break;
        default: b->data[at] = pick(2) ? 0xFF : 0x00; break;
        }
    }
    wr32(entry + 24, model_checksum(b->data, b->data + off, (size_t)len));
    wr32(b->data + hlen - 4, model_checksum(b->data, b->data, hlen - 4));
    if (pick(4) == 0) as_format_1(b);
}

static int progress_limit(const char *stage, double fraction, const char *message, void *user) {
    (void)stage; (void)fraction; (void)message;
    return ++*(int *)user > 200; /* cancel runaway training */
}

#define TARGETS 7
static long hist[TARGETS][16];
static long execs[TARGETS];
static long failures;
static const char *target_names[TARGETS] = {"config", "data", "model", "special", "arrays", "api", "shards"};

static void exercise(lever_model *m) {
    const char *texts[3] = {"small cat", "", "\xe2\x9c\x93 big dog bird"};
    int64_t labels[3 * 7];
    float scores[3 * 7];
    size_t n = 0;
    const char *t = NULL;
    char *info = NULL;
    int64_t id = 0;
    size_t dim = 0;
    float emb[3 * 64];
    lever_predict_options opts;
    lever_model *wider = NULL;
    lever_model_num_labels(m, &n);
    lever_model_predict(m, texts, 3, 7, labels, scores);
    if (n > 0) lever_model_label_text(m, n - 1, &t);
    if (lever_model_info_json(m, &info) == LEVER_OK) lever_string_free(info);
    if (t != NULL) lever_model_label_id(m, t, &id);
    lever_model_embedding_dim(m, &dim);
    if (dim > 0 && dim <= 64) {
        lever_model_embed_texts(m, texts, 3, emb, dim);
        lever_model_embed_labels(m, 0, n < 3 ? n : 3, emb, dim);
    }
    lever_predict_options_init(&opts);
    opts.has_score_floor = 1;
    opts.score_floor = 0.1f;
    lever_model_predict_ex(m, texts, 3, 7, &opts, labels, scores);
    /* Label ranges in and out of the model's labels. */
    lever_model_predict_range(m, texts, 3, 7, pick(2) ? &opts : NULL, pick(2) ? pick(n + 2) : (size_t)-1 - pick(2),
                              pick(2) ? pick(n + 2) : (size_t)1 << (pick(64)), labels, scores);
    if (lever_model_add_labels(m, texts + 2, 1, &wider) == LEVER_OK) {
        lever_model_predict(wider, texts, 3, 7, labels, scores);
        lever_model_free(wider);
    }
}

/* An int64 for a mutated CSR offset or id: small values, boundaries and huge ones. */
static int64_t fuzz_int(int64_t base, int64_t small_max) {
    static const int64_t special[] = {-1, INT64_MIN, INT64_MAX, (int64_t)1 << 62, (int64_t)1 << 31, 2147483647};
    switch (pick(4)) {
    case 0: return special[pick(6)];
    case 1: return (int64_t)pick((size_t)small_max + 1);
    case 2: return base == INT64_MIN || base == INT64_MAX ? base : base + (pick(2) ? 1 : -1);
    default: return base;
    }
}

/* The array entry points with mutated arrays. Offsets past the arrays the fuzzer owns are kept out
 * (a caller's promise the library cannot check): a CSR's last offset is at most the ids' capacity or
 * so large that the library refuses it before reading. */
static lever_status fuzz_arrays(lever_model *seed_model, int *calls, lever_model **m, const char *work) {
    static const char *seed_texts[4] = {"small cat", "big dog", "small bird", "cat and dog"};
    static const char *seed_labels[3] = {"cat", "dog", "bird"};
    enum { CAP = 64 };
    int64_t indptr[5] = {0, 1, 2, 3, 5}, ids[CAP] = {0, 1, 2, 0, 1};
    float values[CAP] = {1.0f, 1.0f, 1.0f, 0.5f, 2.0f};
    buf texts[4] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, labels[3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
    const char *tp[4], *lp[3];
    char path[4096];
    size_t i, rows = 4, n_labels = 3, edits = 1 + pick(4), e;
    lever_status st;
    for (i = 0; i < 4; i++) {
        buf_set(&texts[i], seed_texts[i], strlen(seed_texts[i]));
        tp[i] = (const char *)texts[i].data;
    }
    for (i = 0; i < 3; i++) {
        buf_set(&labels[i], seed_labels[i], strlen(seed_labels[i]));
        lp[i] = (const char *)labels[i].data;
    }
    for (e = 0; e < edits; e++) {
        switch (pick(6)) {
        case 0: i = pick(5); indptr[i] = fuzz_int(indptr[i], CAP); break;
        case 1: i = pick(CAP); ids[i] = fuzz_int(ids[i], 4); break;
        case 2: {
            static const float bad[] = {0.0f, -1.0f, 1e-45f, 3e38f};
            i = pick(CAP);
            values[i] = pick(3) ? bad[pick(4)] : values[i] * 1e30f * 1e30f * (pick(2) ? 1.0f : 0.0f); /* inf, NaN */
            break;
        }
        case 3: i = pick(4); mutate(&texts[i], 256); tp[i] = (const char *)texts[i].data; break;
        case 4: i = pick(3); mutate(&labels[i], 256); lp[i] = (const char *)labels[i].data; break;
        default: rows = pick(5); n_labels = pick(4); break;
        }
    }
    if (indptr[rows] > CAP && indptr[rows] < ((int64_t)1 << 61)) indptr[rows] = CAP;
    snprintf(path, sizeof path, "%s/last-input.arrays", work);
    {
        FILE *f = fopen(path, "w");
        if (f != NULL) {
            fprintf(f, "rows %zu labels %zu indptr %lld %lld %lld %lld %lld\n", rows, n_labels, (long long)indptr[0],
                    (long long)indptr[1], (long long)indptr[2], (long long)indptr[3], (long long)indptr[4]);
            fclose(f);
        }
    }
    *m = NULL;
    if (pick(3) == 0) { /* prediction options on the seed model */
        struct { lever_predict_options o; unsigned char later[64]; } opts;
        int64_t ex_indptr[3] = {0, 1, 2}, ex_ids[CAP] = {0, 2};
        int64_t out[2 * 4];
        float scores[2 * 4];
        memset(&opts, 0, sizeof opts);
        lever_predict_options_init(&opts.o);
        opts.o.exclude_indptr = pick(4) ? ex_indptr : NULL;
        opts.o.exclude_ids = pick(4) ? ex_ids : NULL;
        for (e = 0; e < edits; e++) {
            switch (pick(5)) {
            case 0: i = pick(3); ex_indptr[i] = fuzz_int(ex_indptr[i], CAP); break;
            case 1: i = pick(CAP); ex_ids[i] = fuzz_int(ex_ids[i], 4); break;
            case 2: opts.o.threads = pick(2) ? (uint32_t)pick(3) : (uint32_t)rnd(); break;
            case 3:
                opts.o.has_score_floor = 1;
                opts.o.score_floor = pick(2) ? (float)(pick(100)) / 100.0f : 1e30f * 1e30f;
                break;
            default: {
                static const uint32_t sizes[] = {0, 4, 8, 4097, 0xFFFFFFFFu};
                if (pick(2)) opts.o.struct_size = sizes[pick(5)];
                else {
                    opts.o.struct_size = (uint32_t)(sizeof opts.o + pick(65));
                    if (pick(2)) opts.later[pick(64)] = 1;
                }
            }
            }
        }
        if (ex_indptr[2] > CAP && ex_indptr[2] < ((int64_t)1 << 61)) ex_indptr[2] = CAP;
        st = lever_model_predict_ex(seed_model, tp, 2, 4, pick(8) ? &opts.o : NULL, out, scores);
    } else {
        const char *config = pick(8) ? "{\"method\": \"knn\", \"features\": {\"hash_bits\": 10}}"
                                     : "{\"data\": {\"dir\": \".\"}, \"method\": \"knn\"}";
        st = lever_train_memory(config, pick(16) ? tp : NULL, rows, pick(16) ? indptr : NULL, pick(16) ? ids : NULL,
                                pick(2) ? values : NULL, pick(16) ? lp : NULL, n_labels, progress_limit, calls, m);
    }
    for (i = 0; i < 4; i++) free(texts[i].data);
    for (i = 0; i < 3; i++) free(labels[i].data);
    return st;
}

/* A random int64 near the interesting edges of label ids and counts. */
static int64_t edge_value(int64_t size) {
    switch (pick(8)) {
    case 0: return -1;
    case 1: return (int64_t)pick(4) - 3;
    case 2: return size + (int64_t)pick(3);
    case 3: return pick(2) ? INT64_MAX : INT64_MIN;
    default: return size > 0 ? (int64_t)pick((size_t)size) : 0;
    }
}

/* lever_metrics_compute on random arrays that hold as many entries as the sizes claim (a caller
 * that lies about array lengths is outside any C API's reach), with random values and options. */
static lever_status fuzz_metrics(const char *work) {
    static const char *options[] = {"{\"k\": 3}", "{\"k\": [1, 5, 10]}", "{\"propensity_a\": 0.5, \"propensity_b\": 0}",
                                    "{\"head_min_count\": 2, \"tail_max_count\": 1}", "{}"};
    int64_t pred[8 * 6], truth[64], counts[12], pairs[2 * 6];
    int64_t indptr[9];
    double inv[12];
    lever_metrics_input in;
    buf opt = {0, 0, 0};
    char *json = NULL, path[4096];
    size_t i, rows = pick(9), width = pick(7), labels = pick(13), nnz = 0;
    lever_status st;
    memset(&in, 0, sizeof in);
    in.struct_size = pick(16) ? sizeof in : pick(sizeof in + 8);
    for (i = 0; i < rows * width; i++) pred[i] = edge_value((int64_t)labels);
    indptr[0] = pick(8) ? 0 : (int64_t)pick(3) - 1;
    for (i = 1; i <= rows; i++) {
        indptr[i] = pick(10) ? indptr[i - 1] + (int64_t)pick(4) : (int64_t)pick(8) - (pick(6) ? 0 : 9);
        if (indptr[i] > 64) indptr[i] = 64;
        if (indptr[i] > (int64_t)nnz) nnz = (size_t)indptr[i];
    }
    for (i = 0; i < nnz; i++) truth[i] = edge_value((int64_t)labels);
    in.predictions = pick(12) ? pred : NULL;
    in.n_rows = pick(20) ? rows : (size_t)-1 - pick(2);
    in.width = width;
    in.truth_indptr = pick(12) ? indptr : NULL;
    in.truth_labels = pick(12) ? truth : NULL;
    in.n_labels = labels;
    if (pick(2)) {
        for (i = 0; i < labels; i++) counts[i] = pick(6) ? (int64_t)pick(20) : edge_value(10);
        in.train_counts = counts;
        in.n_train_rows = pick(6) ? 20 : pick(30);
    }
    if (pick(3) == 0) {
        static const double odd[] = {0.0, -1.0, 1e308, INFINITY, NAN, 1e-300};
        for (i = 0; i < labels; i++) inv[i] = pick(5) ? 1.0 + (double)pick(100) / 10.0 : odd[pick(6)];
        in.inv_propensities = inv;
    }
    if (pick(2)) {
        in.n_filter_pairs = pick(7);
        for (i = 0; i < 2 * in.n_filter_pairs; i++) pairs[i] = edge_value(i % 2 ? (int64_t)labels : (int64_t)rows);
        in.filter_pairs = pick(10) ? pairs : NULL;
    }
    if (pick(4)) {
        const char *o = options[pick(5)];
        size_t j, n = pick(4);
        buf_set(&opt, o, strlen(o));
        for (j = 0; j < n; j++) mutate(&opt, 256);
        snprintf(path, sizeof path, "%s/last-input.options.json", work);
        write_file(path, &opt);
    }
    st = lever_metrics_compute(pick(30) ? &in : NULL, opt.data ? (const char *)opt.data : NULL, &json);
    if (st == LEVER_OK && json == NULL) st = LEVER_ERR_INTERNAL;
    lever_string_free(json);
    free(opt.data);
    return st;
}

/* lever_model_add_labels with one to three mutated label texts (random bytes, invalid UTF-8, empty). */
static lever_status fuzz_add_labels(lever_model *model, const char *work) {
    static const char *seeds[] = {"fish", "small reptile", "\xe2\x9c\x93 bird", "", "cat"};
    buf b[3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
    const char *texts[3];
    char path[4096];
    size_t i, n = 1 + pick(3), j;
    lever_model *wider = NULL;
    lever_status st;
    for (i = 0; i < n; i++) {
        const char *seed = seeds[pick(5)];
        buf_set(&b[i], seed, strlen(seed));
        for (j = pick(4); j > 0; j--) mutate(&b[i], 64);
        texts[i] = (const char *)b[i].data;
        snprintf(path, sizeof path, "%s/last-input.label%zu.txt", work, i);
        write_file(path, &b[i]);
    }
    st = lever_model_add_labels(model, texts, n, &wider);
    if (st == LEVER_OK) exercise(wider);
    lever_model_free(wider);
    for (i = 0; i < n; i++) free(b[i].data);
    return st;
}

static void record(int target, lever_status st, lever_model *m) {
    execs[target]++;
    hist[target][(unsigned)st < 16 ? (unsigned)st : 15]++;
    if (st == LEVER_ERR_INTERNAL) {
        failures++;
        fprintf(stderr, "fuzz: FAILURE: LEVER_ERR_INTERNAL on %s input (execution %ld): %s\n", target_names[target],
                execs[0] + execs[1] + execs[2] + execs[3] + execs[4] + execs[5] + execs[6], lever_last_error());
    }
    if (st == LEVER_OK && m != NULL) { exercise(m); lever_model_free(m); }
}

/* lever_config_check on a config text lever_train returned `trained` for: it must list problems
 * exactly when it returns LEVER_OK or LEVER_ERR_CONFIG, and a config it refuses must not train. */
static void check_config(const char *text, lever_status trained) {
    char *problems = NULL;
    lever_status st = lever_config_check(text, &problems);
    int listed = st == LEVER_OK || st == LEVER_ERR_CONFIG;
    if (st == LEVER_ERR_INTERNAL || listed != (problems != NULL) || (st == LEVER_ERR_CONFIG && trained == LEVER_OK)) {
        failures++;
        fprintf(stderr, "fuzz: FAILURE: lever_config_check gave %d (problems %s) where lever_train gave %d: %s\n",
                (int)st, problems ? problems : "NULL", (int)trained, lever_last_error());
    }
    lever_string_free(problems);
}

/* A text of `len` bytes: words, some shared with the seed labels, some random letters. */
static void long_text(buf *b, size_t len) {
    static const char *words[] = {"cat", "dog", "bird", "small", "big", "and", "\xe2\x9c\x93"};
    size_t at = 0;
    buf_reserve(b, len);
    while (at < len) {
        const char *w = words[pick(7)];
        char tmp[16];
        size_t wl, j;
        if (pick(3) == 0) {
            wl = 1 + pick(10);
            for (j = 0; j < wl; j++) tmp[j] = (char)('a' + pick(26));
            tmp[wl] = 0;
            w = tmp;
        }
        wl = strlen(w);
        if (at + wl + 1 > len) break;
        memcpy(b->data + at, w, wl);
        at += wl;
        b->data[at++] = ' ';
    }
    b->len = at;
    b->data[at] = 0;
}

/* Writes the seed dataset into `dir`, with file `which` replaced by `content` (len bytes). */
static void write_dataset(const char *dir, const char **names, const char **seeds, int which, const buf *content) {
    char path[4096];
    int i;
    for (i = 0; i < 4; i++) {
        buf s = {0, 0, 0};
        if (i == which) buf_set(&s, content->data, content->len);
        else buf_set(&s, seeds[i], strlen(seeds[i]));
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        write_file(path, &s);
        free(s.data);
    }
}

/* Trains from the dataset in `dir` with a small fixed config written next to it. */
static lever_status train_dir(const char *dir, int *calls, lever_model **m) {
    static const char *text = "{\"data\": {\"dir\": \".\"}, \"features\": {\"hash_bits\": 10}}";
    char path[4096];
    buf cfg = {0, 0, 0};
    lever_status st;
    buf_set(&cfg, text, strlen(text));
    snprintf(path, sizeof path, "%s/config.json", dir);
    write_file(path, &cfg);
    free(cfg.data);
    *m = NULL;
    st = lever_train_file(path, progress_limit, calls, m);
    return st;
}

/* Label-sharded training (lever_shard_solve, lever_shard_merge) on damaged work and shard files
 * (bytes changed inside a section, checksums recomputed, so the files pass the container's checks)
 * and on odd label ranges and arguments. `base` is the phase-1 model of the seed work file. */
static lever_status fuzz_shards(lever_model *base, const buf *work_seed, const buf *shard_seed, size_t labels,
                                const char *work) {
    char wpath[4096], spath[4096], out[4096];
    const char *paths[2];
    buf b = {0, 0, 0};
    lever_model *merged = NULL;
    lever_status st;
    int which = (int)pick(4);
    snprintf(wpath, sizeof wpath, "%s/last-input.work", work);
    snprintf(spath, sizeof spath, "%s/last-input.shard", work);
    snprintf(out, sizeof out, "%s/fuzz-shard-out", work);
    if (which == 0) { /* a damaged work file, solved over a random range */
        buf_set(&b, work_seed->data, work_seed->len);
        mutate_model(&b);
        write_file(wpath, &b);
        st = lever_shard_solve(wpath, pick(labels + 2), 1 + pick(labels + 2), (uint32_t)pick(3), out, NULL, NULL);
    } else if (which == 1) { /* a damaged shard file, merged into the phase-1 model */
        buf_set(&b, shard_seed->data, shard_seed->len);
        if (pick(4) == 0) mutate(&b, shard_seed->len + 64);
        else mutate_model(&b);
        write_file(spath, &b);
        paths[0] = spath;
        paths[1] = spath;
        st = lever_shard_merge(base, paths, 1 + pick(2), &merged);
    } else if (which == 2) { /* odd ranges and arguments on the valid work file */
        static const size_t huge[] = {0, 1, (size_t)-1, (size_t)1 << 63, (size_t)1 << 31};
        size_t first = pick(2) ? pick(labels + 2) : huge[pick(5)], end = pick(2) ? pick(labels + 2) : huge[pick(5)];
        write_file(wpath, work_seed);
        st = lever_shard_solve(pick(8) ? wpath : NULL, first, end, pick(4) ? (uint32_t)pick(3) : 5000u,
                               pick(8) ? out : (pick(2) ? NULL : ""), NULL, NULL);
    } else { /* a model, a work file or nothing where shard files belong */
        paths[0] = pick(2) ? wpath : "/dev/null";
        paths[1] = NULL;
        write_file(wpath, work_seed);
        st = lever_shard_merge(pick(8) ? base : NULL, pick(8) ? paths : NULL, pick(3), &merged);
    }
    free(b.data);
    if (st == LEVER_OK && merged != NULL) { exercise(merged); lever_model_free(merged); }
    return st;
}

int main(int argc, char **argv) {
    static const char *data_names[] = {"Y.txt", "trn_X.txt", "trn_X_Y.txt", "trn_filter_labels.txt"};
    static const char *data_seeds[] = {"cat\ndog\nbird\n", "small cat\nbig dog\nsmall bird\ncat and dog\n",
                                       "4 3\n0:1\n1:1\n2:1\n0:1 1:0.5\n", "0 1\n3 2\n"};
    static const char *config_seeds[] = {
        "{\"data\": {\"dir\": \"%s/seed\"}, \"features\": {\"hash_bits\": 10}, \"knn\": {\"neighbours\": 2}, "
        "\"student\": {\"predict_shortlist\": 2}, \"ann\": {\"min_items\": 0}}",
        "{\"data\": {\"dir\": \"%s/seed\", \"trn_filter\": \"\"}, \"method\": \"knn\", \"features\": {\"hash_bits\": 9, "
        "\"word_ngram_max\": 1, \"char_ngram_min\": 2, \"char_ngram_max\": 4, \"char_weight\": 0.5, \"sublinear_tf\": false}, "
        "\"evaluation\": {\"k\": [1, 2]}, \"threads\": 1, \"seed\": 7}"};
    char path[8192], seed_dir[2048], mut_dir[2048], config_path[4096];
    buf cur = {0, 0, 0}, model_seed = {0, 0, 0}, cfg = {0, 0, 0}, work_seed = {0, 0, 0}, shard_seed = {0, 0, 0};
    lever_model *shard_base = NULL;
    size_t shard_labels = 0;
    double seconds, start;
    int i, t;
    lever_model *m = NULL, *seed_model = NULL;
    lever_status st;
    int special_files = getenv("LEVER_FUZZ_SPECIAL_FILES") != NULL && strcmp(getenv("LEVER_FUZZ_SPECIAL_FILES"), "1") == 0;

    if (argc < 3 || strlen(argv[1]) > 1000) { fprintf(stderr, "usage: %s WORK_DIR SECONDS [SEED]\n", argv[0]); return 2; }
    seconds = atof(argv[2]);
    {
        unsigned long long seed = argc > 3 ? strtoull(argv[3], NULL, 10)
                                           : (unsigned long long)time(NULL) * 1000003ull + (unsigned long long)getpid();
        printf("fuzz: seed %llu (replay: %s WORK_DIR %s %llu)\n", seed, argv[0], argv[2], seed);
        fflush(stdout);
        rng_state = (uint64_t)seed;
    }
    /* Everything below runs in a child, so a trap or crash in the library is reported, not fatal. */
    {
        pid_t child = fork();
        int status = 0;
        if (child < 0) { perror("fork"); return 2; }
        if (child > 0) {
            if (waitpid(child, &status, 0) < 0) { perror("waitpid"); return 2; }
            if (WIFSIGNALED(status)) {
                printf("fuzz: FAILURE: the fuzzing process died of signal %d; the input is %s/last-input.*; "
                       "replay with the seed above\n", WTERMSIG(status), argv[1]);
                printf("0 passed, 1 failed\n");
                return 1;
            }
            return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
        }
    }
    crc_init();
    snprintf(seed_dir, sizeof seed_dir, "%s/seed", argv[1]);
    snprintf(mut_dir, sizeof mut_dir, "%s/mut", argv[1]);
    mkdir(seed_dir, 0755);
    mkdir(mut_dir, 0755);
    for (i = 0; i < 4; i++) {
        buf s = {0, 0, 0};
        buf_set(&s, data_seeds[i], strlen(data_seeds[i]));
        snprintf(path, sizeof path, "%s/%s", seed_dir, data_names[i]);
        write_file(path, &s);
        free(s.data);
    }
    /* The model seed: a valid model trained on the seed data. */
    snprintf(path, sizeof path, config_seeds[0], argv[1]);
    if (lever_train(path, NULL, NULL, &m) != LEVER_OK) { fprintf(stderr, "seed train: %s\n", lever_last_error()); return 1; }
    snprintf(path, sizeof path, "%s/seed.lever", argv[1]);
    if (lever_model_save(m, path) != LEVER_OK || read_file(path, &model_seed) != 0) { fprintf(stderr, "seed save failed\n"); return 1; }
    lever_model_free(m);

    {
        lever_model *probe = NULL;
        if (lever_model_load(path, &probe) != LEVER_OK) { fprintf(stderr, "seed load failed\n"); return 1; }
        seed_model = probe;
    }
    /* The shards seed: phase 1 of the seed config (its work file and phase-1 model) and one shard. */
    {
        size_t n = 0;
        char wpath[4096], spath[4096];
        snprintf(path, sizeof path, config_seeds[0], argv[1]);
        snprintf(wpath, sizeof wpath, "%s/seed.work", argv[1]);
        snprintf(spath, sizeof spath, "%s/seed.shard", argv[1]);
        if (lever_shard_prepare(path, NULL, wpath, NULL, NULL, &shard_base, &n) != LEVER_OK || n == 0
            || lever_shard_solve(wpath, 0, n, 1, spath, NULL, NULL) != LEVER_OK
            || read_file(wpath, &work_seed) != 0 || read_file(spath, &shard_seed) != 0) {
            fprintf(stderr, "seed shards: %s\n", lever_last_error());
            return 1;
        }
        shard_labels = n;
    }
    start = (double)clock() / CLOCKS_PER_SEC;
    for (;;) {
        time_t now = time(NULL);
        static time_t wall_start = 0;
        if (wall_start == 0) wall_start = now;
        if ((double)(now - wall_start) >= seconds) break;
        t = (int)pick(TARGETS);
        if (t == 0) { /* config JSON */
            size_t n = 1 + pick(6), j;
            int calls = 0;
            snprintf(path, sizeof path, config_seeds[pick(2)], argv[1]);
            buf_set(&cfg, path, strlen(path));
            for (j = 0; j < n; j++) mutate(&cfg, 4096);
            snprintf(path, sizeof path, "%s/last-input.json", argv[1]);
            write_file(path, &cfg);
            m = NULL;
            st = lever_train((const char *)cfg.data, progress_limit, &calls, &m);
            check_config((const char *)cfg.data, st);
            record(0, st, m);
        } else if (t == 1) { /* data files */
            int which = (int)pick(4), calls = 0;
            size_t n = 1 + pick(8), j;
            for (i = 0; i < 4; i++) {
                buf s = {0, 0, 0};
                buf_set(&s, data_seeds[i], strlen(data_seeds[i]));
                if (i == which) for (j = 0; j < n; j++) mutate(&s, 4096);
                snprintf(path, sizeof path, "%s/%s", mut_dir, data_names[i]);
                write_file(path, &s);
                free(s.data);
            }
            st = train_dir(mut_dir, &calls, &m);
            record(1, st, m);
        } else if (t == 4) { /* arrays: lever_train_memory, lever_model_predict_ex */
            int calls = 0;
            st = fuzz_arrays(seed_model, &calls, &m, argv[1]);
            record(4, st, m);
        } else if (t == 3) { /* special inputs */
            int kind = (int)pick(6), calls = 0;
            buf s = {0, 0, 0};
            m = NULL;
            if (kind == 0) { /* a text of several MB through predict */
                const char *texts[2];
                int64_t labels[2 * 5];
                float scores[2 * 5];
                long_text(&s, (1 + pick(6)) << 20);
                snprintf(path, sizeof path, "%s/last-input.txt", argv[1]);
                write_file(path, &s);
                texts[0] = (const char *)s.data;
                texts[1] = "small cat";
                st = lever_model_predict(seed_model, texts, 2, 5, labels, scores);
                record(3, st, NULL);
            } else if (kind == 1) { /* a training line of several MB */
                size_t keep = 0;
                long_text(&s, (1 + pick(4)) << 20);
                buf_reserve(&s, s.len + 64);
                keep = s.len;
                memcpy(s.data + keep, "\nbig dog\nsmall bird\ncat and dog\n", 33);
                s.len = keep + 33;
                write_dataset(mut_dir, data_names, data_seeds, 1, &s);
                st = train_dir(mut_dir, &calls, &m);
                record(3, st, m);
            } else if (kind == 2) { /* NUL escapes inside JSON strings (paths, method, keys) */
                static const char *nul_configs[] = {
                    "{\"data\": {\"dir\": \"%s/seed\\u0000/elsewhere\"}, \"method\": \"knn\"}",
                    "{\"data\": {\"dir\": \"%s/seed\"}, \"method\": \"knn\\u0000x\"}",
                    "{\"data\": {\"dir\": \"%s/seed\", \"Y\": \"Y.txt\\u0000.bak\"}, \"method\": \"knn\"}",
                    "{\"data\": {\"dir\": \"%s/seed\"}, \"method\": \"knn\", \"k\\u0000nn\": {}}"};
                snprintf(path, sizeof path, nul_configs[pick(4)], argv[1]);
                buf_set(&cfg, path, strlen(path));
                snprintf(path, sizeof path, "%s/last-input.json", argv[1]);
                write_file(path, &cfg);
                st = lever_train((const char *)cfg.data, progress_limit, &calls, &m);
                record(3, st, m);
            } else if (kind == 3) { /* raw NUL bytes in a data file */
                int which = (int)pick(3);
                buf_set(&s, data_seeds[which], strlen(data_seeds[which]));
                s.data[pick(s.len)] = 0;
                write_dataset(mut_dir, data_names, data_seeds, which, &s);
                st = train_dir(mut_dir, &calls, &m);
                record(3, st, m);
            } else if (kind == 4) { /* headers claiming huge row or column counts */
                static const char *headers[] = {"1000000000000 3\n", "9223372036854775807 3\n", "4 9223372036854775807\n",
                                                "18446744073709551615 3\n", "4 2147483648\n", "4 1000000000000\n"};
                const char *h = headers[pick(6)];
                buf_set(&s, h, strlen(h));
                buf_reserve(&s, s.len + 32);
                memcpy(s.data + s.len, "0:1\n1:1\n2:1\n0:1 1:1\n", 20);
                s.len += 20;
                write_dataset(mut_dir, data_names, data_seeds, 2, &s);
                st = train_dir(mut_dir, &calls, &m);
                record(3, st, m);
            } else { /* special files as model, config and data file */
                const char *special = "/dev/null";
                int role = (int)pick(3);
                if (special_files && pick(2)) {
                    if (pick(2)) special = "/dev/zero";
                    else {
                        snprintf(config_path, sizeof config_path, "%s/fifo", argv[1]);
                        unlink(config_path);
                        if (mkfifo(config_path, 0644) == 0) special = config_path;
                    }
                }
                if (role == 0) {
                    st = lever_model_load(special, &m);
                } else if (role == 1) {
                    st = lever_train_file(special, progress_limit, &calls, &m);
                } else {
                    snprintf(path, sizeof path, "{\"data\": {\"dir\": \"%s/seed\", \"Y\": \"%s\"}, \"method\": \"knn\"}",
                             argv[1], special);
                    st = lever_train(path, progress_limit, &calls, &m);
                }
                record(3, st, m);
            }
            free(s.data);
        } else if (t == 6) { /* label-sharded training files and arguments */
            record(6, fuzz_shards(shard_base, &work_seed, &shard_seed, shard_labels, argv[1]), NULL);
        } else if (t == 5) { /* host API: metrics arrays and label texts */
            record(5, pick(3) ? fuzz_metrics(argv[1]) : fuzz_add_labels(seed_model, argv[1]), NULL);
        } else { /* model file */
            buf_set(&cur, model_seed.data, model_seed.len);
            if (pick(4) == 0) { size_t j, n = 1 + pick(4); for (j = 0; j < n; j++) mutate(&cur, model_seed.len + 64); }
            else mutate_model(&cur);
            snprintf(path, sizeof path, "%s/last-input.lever", argv[1]);
            write_file(path, &cur);
            m = NULL;
            st = lever_model_load(path, &m);
            record(2, st, m);
        }
    }
    {
        long total = execs[0] + execs[1] + execs[2] + execs[3] + execs[4] + execs[5] + execs[6];
        printf("fuzz: %ld executions in %.0f s wall (%.1f s CPU)\n", total, seconds, (double)clock() / CLOCKS_PER_SEC - start);
        for (t = 0; t < TARGETS; t++) {
            printf("  %-7s %7ld execs:", target_names[t], execs[t]);
            for (i = 0; i < 16; i++) if (hist[t][i]) printf(" %s=%ld", lever_status_string((lever_status)i), hist[t][i]);
            printf("\n");
        }
        printf("%ld passed, %ld failed\n", total - failures, failures);
    }
    lever_model_free(seed_model);
    lever_model_free(shard_base);
    free(cur.data); free(model_seed.data); free(cfg.data); free(work_seed.data); free(shard_seed.data);
    return failures > 0 ? 1 : 0;
}
