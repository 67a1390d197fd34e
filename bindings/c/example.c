/* Lever from C: train from a JSON run config, save, load, predict, print labels with their texts.
 *
 *   cc -std=c99 -Wall -Wextra -Iinclude bindings/c/example.c -Lbuild/lib -llever -o example
 *   ./example configs/wordnet.json /tmp/wordnet.lever "domestic cat" "oak tree"
 */
#include "lever.h"

#include <stdio.h>
#include <stdlib.h>

static int show_progress(const char *stage, double fraction, const char *message, void *user_data) {
    (void)user_data;
    if (fraction == 0.0 || fraction >= 1.0) fprintf(stderr, "[%s %3.0f%%] %s\n", stage, 100.0 * fraction, message);
    return 0; /* non-zero would cancel */
}

static int fail(const char *what, lever_status status) {
    fprintf(stderr, "%s failed: %s: %s\n", what, lever_status_string(status), lever_last_error());
    return 1;
}

int main(int argc, char **argv) {
    enum { K = 5 };
    lever_model *trained = NULL, *model = NULL;
    lever_status st;
    size_t n_texts, num_labels, i, j;
    int64_t *labels;
    float *scores;

    if (argc < 4) {
        fprintf(stderr, "usage: %s CONFIG.json MODEL_OUT TEXT [TEXT...]\n", argv[0]);
        return 2;
    }
    printf("liblever %s (ABI %d)\n", lever_version(), lever_abi_version());

    if ((st = lever_train_file(argv[1], show_progress, NULL, &trained)) != LEVER_OK) return fail("train", st);
    st = lever_model_save(trained, argv[2]);
    lever_model_free(trained);
    if (st != LEVER_OK) return fail("save", st);

    if ((st = lever_model_load(argv[2], &model)) != LEVER_OK) return fail("load", st);
    if ((st = lever_model_num_labels(model, &num_labels)) != LEVER_OK) return fail("num_labels", st);
    printf("model %s: %zu labels\n", argv[2], num_labels);

    n_texts = (size_t)(argc - 3);
    labels = (int64_t *)malloc(n_texts * K * sizeof *labels);
    scores = (float *)malloc(n_texts * K * sizeof *scores);
    if (labels == NULL || scores == NULL) return 1;
    st = lever_model_predict(model, (const char *const *)(argv + 3), n_texts, K, labels, scores);
    if (st != LEVER_OK) return fail("predict", st);

    for (i = 0; i < n_texts; i++) {
        printf("%s\n", argv[3 + i]);
        for (j = 0; j < K && labels[i * K + j] >= 0; j++) {
            const char *text = NULL;
            if ((st = lever_model_label_text(model, (size_t)labels[i * K + j], &text)) != LEVER_OK) return fail("label_text", st);
            printf("  %.4f  %s\n", scores[i * K + j], text);
        }
    }
    free(labels);
    free(scores);
    lever_model_free(model);
    return 0;
}
