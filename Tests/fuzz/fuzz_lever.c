/* A seeded mutation fuzzer over everything Lever reads: run-config JSON (lever_train), data files
 * (lever_train_file on a mutated dataset folder) and model files (lever_model_load, then predict).
 * Model mutations are structure-aware: after mutating section bytes the checksums are recomputed,
 * so the section decoders, not only the CRC check, see the damage.
 *
 *   fuzz_lever WORK_DIR SECONDS [SEED]
 *
 * Before each execution the input is written to WORK_DIR/last-input.*; a crash leaves it there.
 * Prints executions and the status histogram per target, then "N passed, 0 failed". */
#include "lever.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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
                                    "\xff", "\xc3", "{", "}", "[", "]", "\"", ",", "null", "true", "4294967296", "-0"};

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

static uint32_t crc_table[256];
static void crc_init(void) {
    uint32_t i, c, k;
    for (i = 0; i < 256; i++) {
        for (c = i, k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}
static uint32_t crc32(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(unsigned char *p, uint32_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24); }

/* Mutates bytes inside one section of a valid model file (keeping its length), then recomputes
 * that section's and the header's checksums. */
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
    wr32(entry + 24, crc32(b->data + off, (size_t)len));
    wr32(b->data + hlen - 4, crc32(b->data, hlen - 4));
}

static int progress_limit(const char *stage, double fraction, const char *message, void *user) {
    (void)stage; (void)fraction; (void)message;
    return ++*(int *)user > 200; /* cancel runaway training */
}

static long hist[3][16];
static long execs[3];

static void exercise(lever_model *m) {
    const char *texts[3] = {"small cat", "", "\xe2\x9c\x93 big dog bird"};
    int64_t labels[3 * 7];
    float scores[3 * 7];
    size_t n = 0;
    const char *t = NULL;
    lever_model_num_labels(m, &n);
    lever_model_predict(m, texts, 3, 7, labels, scores);
    if (n > 0) lever_model_label_text(m, n - 1, &t);
}

static void record(int target, lever_status st, lever_model *m) {
    execs[target]++;
    hist[target][(unsigned)st < 16 ? (unsigned)st : 15]++;
    if (st == LEVER_OK && m != NULL) { exercise(m); lever_model_free(m); }
}

int main(int argc, char **argv) {
    static const char *data_names[] = {"Y.txt", "trn_X.txt", "trn_X_Y.txt", "trn_filter_labels.txt"};
    static const char *data_seeds[] = {"cat\ndog\nbird\n", "small cat\nbig dog\nsmall bird\ncat and dog\n",
                                       "4 3\n0:1\n1:1\n2:1\n0:1 1:0.5\n", "0 1\n3 2\n"};
    static const char *config_seeds[] = {
        "{\"data\": {\"dir\": \"%s/seed\"}, \"features\": {\"hash_bits\": 10}, \"knn\": {\"neighbours\": 2}}",
        "{\"data\": {\"dir\": \"%s/seed\", \"trn_filter\": \"\"}, \"method\": \"knn\", \"features\": {\"hash_bits\": 9, "
        "\"word_ngram_max\": 1, \"char_ngram_min\": 2, \"char_ngram_max\": 4, \"char_weight\": 0.5, \"sublinear_tf\": false}, "
        "\"evaluation\": {\"k\": [1, 2]}, \"threads\": 1, \"seed\": 7}"};
    char path[8192], seed_dir[2048], mut_dir[2048], config_path[4096];
    buf cur = {0, 0, 0}, model_seed = {0, 0, 0}, cfg = {0, 0, 0};
    double seconds, start;
    int i, t;
    lever_model *m = NULL;
    lever_status st;

    if (argc < 3 || strlen(argv[1]) > 1000) { fprintf(stderr, "usage: %s WORK_DIR SECONDS [SEED]\n", argv[0]); return 2; }
    seconds = atof(argv[2]);
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
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

    start = (double)clock() / CLOCKS_PER_SEC;
    for (;;) {
        time_t now = time(NULL);
        static time_t wall_start = 0;
        if (wall_start == 0) wall_start = now;
        if ((double)(now - wall_start) >= seconds) break;
        t = (int)pick(3);
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
            snprintf(config_path, sizeof config_path, "%s/config.json", mut_dir);
            { static const char *c = "{\"data\": {\"dir\": \".\"}, \"features\": {\"hash_bits\": 10}}"; buf_set(&cfg, c, strlen(c)); }
            write_file(config_path, &cfg);
            m = NULL;
            st = lever_train_file(config_path, progress_limit, &calls, &m);
            record(1, st, m);
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
        static const char *names[] = {"config", "data", "model"};
        long total = execs[0] + execs[1] + execs[2];
        printf("fuzz: %ld executions in %.0f s wall (%.1f s CPU)\n", total, seconds, (double)clock() / CLOCKS_PER_SEC - start);
        for (t = 0; t < 3; t++) {
            printf("  %-6s %7ld execs:", names[t], execs[t]);
            for (i = 0; i < 16; i++) if (hist[t][i]) printf(" %s=%ld", lever_status_string((lever_status)i), hist[t][i]);
            printf("\n");
        }
    }
    printf("%ld passed, 0 failed\n", execs[0] + execs[1] + execs[2]);
    free(cur.data); free(model_seed.data); free(cfg.data);
    return 0;
}
