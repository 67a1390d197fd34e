/* Resident memory must stay flat in a long-running host. Makes a synthetic dataset (2,000 rows,
 * 200 labels) in WORK_DIR, then: repeated train + free (kNN and LEVER), and 200 predictions of 1,000
 * texts on one LEVER model, then 100 rounds of load (mapped) + predict + free of that model saved.
 * Two measures after warm-up:
 * - heap bytes in use (glibc mallinfo2, summed over all arenas): what a leak grows. Fails above
 *   LEAK_LIMIT_KIB. Exact, so it catches even a small per-call leak.
 * - VmRSS: what the host sees. glibc's per-thread arenas keep freed pages for reuse, so resident memory
 *   rises for a few rounds to a plateau that depends on thread timing; it fails above RSS_LIMIT_KIB.
 *   glibc also raises its mmap threshold each time a large block is freed, after which blocks of that
 *   size come from the arenas and stay resident once freed: the test pins the threshold (mallopt, as a
 *   host with large transient buffers would), so large blocks are returned when freed and RSS tracks
 *   what the library holds rather than where glibc's heuristic left freed blocks.
 * Prints both along the rounds and calls.
 * Usage: test_memory WORK_DIR */
#include "lever.h"

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROWS = 2000, LABELS = 200, N_TEXTS = 1000, K = 10, CALLS = 200, WARMUP = 20 };
enum { RSS_LIMIT_KIB = 8 * 1024, LEAK_LIMIT_KIB = 512 };

/* Heap bytes in use, in KiB, or -1 where glibc's mallinfo2 is missing (the RSS check still runs). */
static long heap_kib(void) {
#ifdef HAVE_MALLINFO2
    struct mallinfo2 info = mallinfo2();
    return (long)((info.uordblks + info.hblkhd) / 1024);
#else
    return -1;
#endif
}

/* Fails (returns 1) when the RSS or the in-use heap grew past its limit between two points. */
static int check_growth(const char *what, long rss0, long rss1, long heap0, long heap1) {
    int failed = 0;
    if (rss1 - rss0 > RSS_LIMIT_KIB) {
        fprintf(stderr, "FAIL: %s grows resident memory by %ld KiB\n", what, rss1 - rss0);
        failed = 1;
    }
    if (heap0 >= 0 && heap1 - heap0 > LEAK_LIMIT_KIB) {
        fprintf(stderr, "FAIL: %s leaks: %ld KiB more heap in use\n", what, heap1 - heap0);
        failed = 1;
    }
    return failed;
}

static long rss_kib(void) {
    char line[256];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) { kib = strtol(line + 6, NULL, 10); break; }
    }
    fclose(f);
    return kib;
}

static const char *words[] = {"red", "green", "blue", "small", "large", "metal", "wooden", "round", "square",
                              "soft", "hard", "old", "new", "fast", "slow", "bright", "dark", "light"};
enum { N_WORDS = sizeof words / sizeof words[0] };

static void text_of(int i, char *out, size_t size) {
    snprintf(out, size, "%s %s %s item%d group%d kind%d", words[i % N_WORDS], words[(i / 3) % N_WORDS],
             words[(i * 7) % N_WORDS], i % 300, i % LABELS, (i * 13) % 97);
}

static FILE *open_out(const char *dir, const char *name) {
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((f = fopen(path, "w")) == NULL) { perror(path); exit(1); }
    return f;
}

static void make_dataset(const char *dir) {
    char text[256];
    int i;
    FILE *y = open_out(dir, "Y.txt"), *x = open_out(dir, "trn_X.txt"), *xy = open_out(dir, "trn_X_Y.txt");
    for (i = 0; i < LABELS; i++) fprintf(y, "label %s %d\n", words[i % N_WORDS], i);
    fprintf(xy, "%d %d\n", ROWS, LABELS);
    for (i = 0; i < ROWS; i++) {
        text_of(i, text, sizeof text);
        fprintf(x, "%s\n", text);
        fprintf(xy, "%d:1 %d:1\n", i % LABELS, (i * 7 + 3) % LABELS);
    }
    fclose(y);
    fclose(x);
    fclose(xy);
}

/* Trains `rounds` times from `config` (freeing each model); fails on growth after `warmup` rounds. */
static int train_loop(const char *config, const char *name, int rounds, int warmup) {
    long first = 0, base = 0, mid = 0, last = 0, heap_base = 0, heap_last = 0;
    char what[64];
    int round;
    for (round = 1; round <= rounds; round++) {
        lever_model *m = NULL;
        if (lever_train(config, NULL, NULL, &m) != LEVER_OK) {
            fprintf(stderr, "train %s: %s\n", name, lever_last_error());
            exit(1);
        }
        lever_model_free(m);
        if (round == 1) first = rss_kib();
        if (round == warmup) { base = rss_kib(); heap_base = heap_kib(); }
        if (round == rounds / 2) mid = rss_kib();
        if (round == rounds) { last = rss_kib(); heap_last = heap_kib(); }
    }
    printf("train + free %s: VmRSS after 1 / %d / %d rounds: %ld / %ld / %ld KiB (growth after warm-up %ld KiB); "
           "heap in use after %d / %d rounds: %ld / %ld KiB\n", name, rounds / 2, rounds, first, mid, last,
           last - base, warmup, rounds, heap_base, heap_last);
    snprintf(what, sizeof what, "train + free (%s)", name);
    return check_growth(what, base, last, heap_base, heap_last);
}

/* Loads the model at `path` (mapped), predicts and frees it `rounds` times; fails on growth after
 * `warmup` rounds (a mapping or a view that outlived its model would grow both measures). */
static int load_loop(const char *path, const char **texts, int rounds, int warmup) {
    static int64_t labels[100 * K];
    static float scores[100 * K];
    long first = 0, base = 0, last = 0, heap_base = 0, heap_last = 0;
    int round;
    for (round = 1; round <= rounds; round++) {
        lever_model *m = NULL;
        if (lever_model_load(path, &m) != LEVER_OK
            || lever_model_predict(m, texts, 100, K, labels, scores) != LEVER_OK) {
            fprintf(stderr, "load + predict: %s\n", lever_last_error());
            exit(1);
        }
        lever_model_free(m);
        if (round == 1) first = rss_kib();
        if (round == warmup) { base = rss_kib(); heap_base = heap_kib(); }
        if (round == rounds) { last = rss_kib(); heap_last = heap_kib(); }
    }
    printf("load + predict + free: VmRSS after 1 / %d / %d rounds: %ld / %ld / %ld KiB (growth after warm-up "
           "%ld KiB); heap in use after %d / %d rounds: %ld / %ld KiB\n", warmup, rounds, first, base, last,
           last - base, warmup, rounds, heap_base, heap_last);
    return check_growth("load + predict + free", base, last, heap_base, heap_last);
}

int main(int argc, char **argv) {
    static char storage[N_TEXTS][256];
    static const char *texts[N_TEXTS];
    static int64_t labels[N_TEXTS * K];
    static float scores[N_TEXTS * K];
    char knn[4096], lever[4096], saved[4096];
    lever_model *model = NULL;
    long base = 0, at1 = 0, at100 = 0, at200 = 0, heap_base = 0, heap_last = 0;
    int call, i, failed = 0;
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (argc != 2) { fprintf(stderr, "usage: %s WORK_DIR\n", argv[0]); return 2; }
    make_dataset(argv[1]);
    snprintf(knn, sizeof knn, "{\"data\": {\"dir\": \"%s\"}, \"method\": \"knn\"}", argv[1]);
    snprintf(lever, sizeof lever, "{\"data\": {\"dir\": \"%s\"}, \"method\": \"lever\", "
             "\"teacher\": {\"epochs\": 1}, \"student\": {\"epochs\": 1}}", argv[1]);
    failed |= train_loop(knn, "knn", 40, 5);
    failed |= train_loop(lever, "lever", 24, 8);

    if (lever_train(lever, NULL, NULL, &model) != LEVER_OK) {
        fprintf(stderr, "train: %s\n", lever_last_error());
        return 1;
    }
    for (i = 0; i < N_TEXTS; i++) {
        text_of(i * 3 + 1, storage[i], sizeof storage[i]);
        texts[i] = storage[i];
    }
    for (call = 1; call <= CALLS; call++) {
        if (lever_model_predict(model, texts, N_TEXTS, K, labels, scores) != LEVER_OK) {
            fprintf(stderr, "predict: %s\n", lever_last_error());
            return 1;
        }
        if (call == 1) at1 = rss_kib();
        if (call == WARMUP) { base = rss_kib(); heap_base = heap_kib(); }
        if (call == 100) at100 = rss_kib();
        if (call == CALLS) { at200 = rss_kib(); heap_last = heap_kib(); }
    }
    printf("predict %d x %d texts: VmRSS after 1 / 100 / 200 calls: %ld / %ld / %ld KiB "
           "(growth after warm-up %ld KiB); heap in use after %d / %d calls: %ld / %ld KiB\n", CALLS, N_TEXTS,
           at1, at100, at200, at200 - base, WARMUP, CALLS, heap_base, heap_last);
    failed |= check_growth("predict loop", base, at200, heap_base, heap_last);
    snprintf(saved, sizeof saved, "%s/model.lever", argv[1]);
    if (lever_model_save(model, saved) != LEVER_OK) {
        fprintf(stderr, "save: %s\n", lever_last_error());
        return 1;
    }
    lever_model_free(model);
    failed |= load_loop(saved, texts, 100, 20);
    return failed;
}
