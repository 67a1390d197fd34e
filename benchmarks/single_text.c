/*
 * Single-text latency through the C API: lever_model_predict_ex on one text at a time, one thread,
 * k = 10, over the first N lines of a text file, repeated; prints p50 and p99 per run. The same
 * measurement as benchmarks/single_text.py without the Python binding's call.
 *   benchmarks/single_text.sh MODEL TEXTS [N] [RUNS]
 * On a shared machine, pin it (the script runs it under `taskset -c 1` when taskset exists) and
 * compare several runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <lever.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL TEXTS [N=1000] [RUNS=3]\n", argv[0]);
        return 2;
    }
    long n = argc > 3 ? strtol(argv[3], NULL, 10) : 1000, runs = argc > 4 ? strtol(argv[4], NULL, 10) : 3;
    if (n < 1 || n > 1000000 || runs < 1 || runs > 1000) {
        fprintf(stderr, "N must be 1..1000000 and RUNS 1..1000\n");
        return 2;
    }
    lever_model *model = NULL;
    if (lever_model_load(argv[1], &model) != LEVER_OK) {
        fprintf(stderr, "%s\n", lever_last_error());
        return 1;
    }
    FILE *f = fopen(argv[2], "r");
    if (f == NULL) {
        perror(argv[2]);
        return 1;
    }
    char **texts = calloc((size_t)n, sizeof *texts), *line = NULL;
    double *ms = calloc((size_t)n, sizeof *ms);
    size_t cap = 0;
    ssize_t len;
    long got = 0;
    while (texts != NULL && got < n && (len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n') line[len - 1] = 0;
        if ((texts[got] = strdup(line)) != NULL) got++;
    }
    fclose(f);
    free(line);
    if (texts == NULL || ms == NULL || got == 0) {
        fprintf(stderr, "no texts read from %s\n", argv[2]);
        return 1;
    }
    lever_predict_options options;
    lever_predict_options_init(&options);
    options.threads = 1;
    int64_t labels[10];
    float scores[10];
    for (long i = 0; i < got && i < 10; i++) {  /* warm the pages */
        const char *t = texts[i];
        lever_model_predict_ex(model, &t, 1, 10, &options, labels, scores);
    }
    for (long r = 0; r < runs; r++) {
        for (long i = 0; i < got; i++) {
            const char *t = texts[i];
            double t0 = now_ms();
            if (lever_model_predict_ex(model, &t, 1, 10, &options, labels, scores) != LEVER_OK) {
                fprintf(stderr, "text %ld: %s\n", i + 1, lever_last_error());
                return 1;
            }
            ms[i] = now_ms() - t0;
        }
        qsort(ms, (size_t)got, sizeof *ms, by_value);
        printf("run %ld: p50 %.3f ms, p99 %.3f ms (%ld texts)\n", r + 1, ms[got / 2],
               ms[(long)(0.99 * (double)(got - 1))], got);
    }
    for (long i = 0; i < got; i++) free(texts[i]);
    free(texts);
    free(ms);
    lever_model_free(model);
    return 0;
}
