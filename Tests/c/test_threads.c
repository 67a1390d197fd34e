/* 8 threads predicting on one shared model must give exactly the sequential results.
 * Usage: test_threads MODEL TEXTS_FILE */
#include "lever.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { THREADS = 8, K = 10, MAX_TEXTS = 2000, ROUNDS = 3, BATCH = 37 };

static lever_model *model;
static const char *texts[MAX_TEXTS];
static size_t n_texts;
static int64_t expected_labels[MAX_TEXTS * K];
static float expected_scores[MAX_TEXTS * K];
static int mismatches[THREADS];

static void *worker(void *arg) {
    int t = (int)(size_t)arg;
    int64_t labels[BATCH * K];
    float scores[BATCH * K];
    const char *batch[BATCH];
    int round;
    for (round = 0; round < ROUNDS; round++) {
        size_t i = (size_t)t;
        while (i < n_texts) {
            size_t idx[BATCH], m = 0, b;
            for (; m < BATCH && i < n_texts; m++, i += THREADS) { idx[m] = i; batch[m] = texts[i]; }
            if (lever_model_predict(model, batch, m, K, labels, scores) != LEVER_OK) { mismatches[t]++; continue; }
            for (b = 0; b < m; b++) {
                if (memcmp(labels + b * K, expected_labels + idx[b] * K, K * sizeof *labels) != 0 ||
                    memcmp(scores + b * K, expected_scores + idx[b] * K, K * sizeof *scores) != 0) mismatches[t]++;
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    static char buffer[1 << 22];
    pthread_t threads[THREADS];
    size_t len, i;
    int t, total = 0;
    FILE *f;
    if (argc != 3) { fprintf(stderr, "usage: %s MODEL TEXTS\n", argv[0]); return 2; }
    if (lever_model_load(argv[1], &model) != LEVER_OK) { fprintf(stderr, "load: %s\n", lever_last_error()); return 1; }
    if ((f = fopen(argv[2], "rb")) == NULL) { perror(argv[2]); return 1; }
    len = fread(buffer, 1, sizeof buffer - 1, f);
    fclose(f);
    buffer[len] = 0;
    for (i = 0; i < len && n_texts < MAX_TEXTS;) {
        char *nl = strchr(buffer + i, '\n');
        texts[n_texts++] = buffer + i;
        if (nl == NULL) break;
        *nl = 0;
        i = (size_t)(nl - buffer) + 1;
    }
    if (lever_model_predict(model, texts, n_texts, K, expected_labels, expected_scores) != LEVER_OK) {
        fprintf(stderr, "predict: %s\n", lever_last_error());
        return 1;
    }
    for (t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, worker, (void *)(size_t)t);
    for (t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    for (t = 0; t < THREADS; t++) total += mismatches[t];
    lever_model_free(model);
    printf("%d threads x %d rounds over %zu texts: %d mismatches\n", THREADS, ROUNDS, n_texts, total);
    printf("%d passed, %d failed\n", total == 0 ? 1 : 0, total == 0 ? 0 : 1);
    return total == 0 ? 0 : 1;
}
