/* Calls every function of include/lever.h, with good and bad arguments. Compiled by the test suite
 * as C99 and as C++ with -Wall -Wextra -Werror. Usage: test_capi DATA_DIR WORK_DIR */
#include "lever.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        checks++;                                                                     \
        if (!(cond)) {                                                                \
            failures++;                                                               \
            fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__,  \
                    __LINE__, #cond, lever_last_error());                             \
        }                                                                             \
    } while (0)

#define CHECK_ERR(expr, status, fragment)                                             \
    do {                                                                              \
        lever_status s_ = (expr);                                                     \
        CHECK(s_ == (status));                                                        \
        CHECK(strstr(lever_last_error(), (fragment)) != NULL);                        \
    } while (0)

static int progress_calls = 0;
static int count_progress(const char *stage, double fraction, const char *message, void *user_data) {
    (void)message;
    (void)user_data;
    if (stage != NULL && fraction >= 0.0 && fraction <= 1.0) progress_calls++;
    return 0;
}

static int cancel_at_once(const char *stage, double fraction, const char *message, void *user_data) {
    (void)stage;
    (void)fraction;
    (void)message;
    *(int *)user_data += 1;
    return 1;
}

int main(int argc, char **argv) {
    char config[4096], path[4096];
    lever_model *model = NULL, *loaded = NULL;
    size_t n = 0;
    const char *text = NULL;
    const char *inputs[2] = {"small cat", "big dog"};
    int64_t labels[2 * 4];
    float scores[2 * 4];
    int cancelled_calls = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: %s DATA_DIR WORK_DIR\n", argv[0]);
        return 2;
    }
    snprintf(config, sizeof config,
             "{\"data\": {\"dir\": \"%s\"}, \"method\": \"knn\", \"knn\": {\"neighbours\": 2}, \"features\": {\"hash_bits\": 12}}", argv[1]);
    snprintf(path, sizeof path, "%s/capi.lever", argv[2]);

    /* Versions. */
    CHECK(lever_abi_version() == LEVER_ABI_VERSION);
    CHECK(strcmp(lever_version(), LEVER_VERSION_STRING) == 0);
    CHECK(strcmp(lever_status_string(LEVER_OK), "ok") == 0);
    CHECK(strcmp(lever_status_string(LEVER_ERR_CORRUPT), "corrupt model file") == 0);
    CHECK(strcmp(lever_status_string((lever_status)999), "unknown status") == 0);

    /* Training: bad arguments, cancellation, success. */
    CHECK_ERR(lever_train(NULL, NULL, NULL, &model), LEVER_ERR_INVALID_ARG, "config_json");
    CHECK_ERR(lever_train(config, NULL, NULL, NULL), LEVER_ERR_INVALID_ARG, "out");
    CHECK_ERR(lever_train("{\"knn\": {\"neighbors\": 1}}", NULL, NULL, &model), LEVER_ERR_CONFIG, "knn.neighbors");
    CHECK_ERR(lever_train("{\"data\": {\"dir\": \"/nonexistent\"}}", NULL, NULL, &model), LEVER_ERR_IO, "/nonexistent");
    CHECK_ERR(lever_train_file(NULL, NULL, NULL, &model), LEVER_ERR_INVALID_ARG, "config_path");
    CHECK_ERR(lever_train_file("/nonexistent/c.json", NULL, NULL, &model), LEVER_ERR_IO, "c.json");
    CHECK_ERR(lever_train(config, cancel_at_once, &cancelled_calls, &model), LEVER_ERR_CANCELLED, "cancelled");
    CHECK(cancelled_calls == 1);
    CHECK(model == NULL);
    CHECK(lever_train(config, count_progress, NULL, &model) == LEVER_OK);
    CHECK(model != NULL);
    CHECK(progress_calls > 0);

    /* Labels. */
    CHECK(lever_model_num_labels(model, &n) == LEVER_OK);
    CHECK(n == 3);
    CHECK_ERR(lever_model_num_labels(NULL, &n), LEVER_ERR_INVALID_ARG, "model");
    CHECK_ERR(lever_model_num_labels(model, NULL), LEVER_ERR_INVALID_ARG, "out");
    CHECK(lever_model_label_text(model, 1, &text) == LEVER_OK);
    CHECK(text != NULL && strcmp(text, "dog") == 0);
    CHECK_ERR(lever_model_label_text(model, 3, &text), LEVER_ERR_INVALID_ARG, "out of range");
    CHECK_ERR(lever_model_label_text(model, (size_t)-1, &text), LEVER_ERR_INVALID_ARG, "out of range");
    CHECK_ERR(lever_model_label_text(model, 0, NULL), LEVER_ERR_INVALID_ARG, "out");

    /* Prediction. */
    CHECK(lever_model_predict(model, inputs, 2, 4, labels, scores) == LEVER_OK);
    CHECK(labels[0] == 0);
    CHECK(labels[4] == 1);
    CHECK(labels[3] == -1 && scores[3] == 0.0f); /* only 3 labels exist */
    CHECK(scores[0] >= scores[1]);
    CHECK(lever_model_predict(model, inputs, 2, 4, labels, NULL) == LEVER_OK);
    CHECK(lever_model_predict(model, NULL, 0, 4, NULL, NULL) == LEVER_OK);
    {
        /* A k far beyond the label count must not make the library reserve k slots. */
        static int64_t many_labels[1 << 16];
        CHECK(lever_model_predict(model, inputs, 1, (size_t)1 << 16, many_labels, NULL) == LEVER_OK);
        CHECK(many_labels[0] == 0 && many_labels[3] == -1 && many_labels[(1 << 16) - 1] == -1);
    }
    CHECK_ERR(lever_model_predict(model, inputs, 2, 0, labels, scores), LEVER_ERR_INVALID_ARG, "k must be");
    CHECK_ERR(lever_model_predict(NULL, inputs, 2, 4, labels, scores), LEVER_ERR_INVALID_ARG, "model");
    CHECK_ERR(lever_model_predict(model, NULL, 2, 4, labels, scores), LEVER_ERR_INVALID_ARG, "texts");
    CHECK_ERR(lever_model_predict(model, inputs, 2, 4, NULL, scores), LEVER_ERR_INVALID_ARG, "labels");
    CHECK_ERR(lever_model_predict(model, inputs, (size_t)-1 / 2, 4, labels, scores), LEVER_ERR_INVALID_ARG, "n_texts");
    {
        const char *bad[2] = {"fine", "\xff\xfe"};
        const char *null_text[2] = {"fine", NULL};
        CHECK_ERR(lever_model_predict(model, bad, 2, 4, labels, scores), LEVER_ERR_INVALID_ARG, "texts[1]");
        CHECK_ERR(lever_model_predict(model, null_text, 2, 4, labels, scores), LEVER_ERR_INVALID_ARG, "texts[1]");
    }

    /* Save and load. */
    CHECK_ERR(lever_model_save(NULL, path), LEVER_ERR_INVALID_ARG, "model");
    CHECK_ERR(lever_model_save(model, NULL), LEVER_ERR_INVALID_ARG, "path");
    CHECK(lever_model_save(model, path) == LEVER_OK);
    {
        char under_file[4200]; /* a regular file used as a folder: cannot be created */
        snprintf(under_file, sizeof under_file, "%s/sub/m.lever", path);
        CHECK_ERR(lever_model_save(model, under_file), LEVER_ERR_IO, "capi.lever/sub");
    }
    CHECK_ERR(lever_model_load(NULL, &loaded), LEVER_ERR_INVALID_ARG, "path");
    CHECK_ERR(lever_model_load(path, NULL), LEVER_ERR_INVALID_ARG, "out");
    CHECK_ERR(lever_model_load("/nonexistent.lever", &loaded), LEVER_ERR_IO, "nonexistent.lever");
    CHECK_ERR(lever_model_load(argv[1], &loaded), LEVER_ERR_IO, "folder");
    /* Special files are refused at once, not read forever. */
    CHECK_ERR(lever_model_load("/dev/zero", &loaded), LEVER_ERR_IO, "/dev/zero");
    CHECK_ERR(lever_train_file("/dev/zero", NULL, NULL, &loaded), LEVER_ERR_IO, "/dev/zero");
    CHECK_ERR(lever_model_save(model, "/dev/null"), LEVER_ERR_IO, "/dev/null");
    CHECK(lever_model_load(path, &loaded) == LEVER_OK);
    {
        int64_t labels2[2 * 4];
        float scores2[2 * 4];
        CHECK(lever_model_predict(model, inputs, 2, 4, labels, scores) == LEVER_OK);
        CHECK(lever_model_predict(loaded, inputs, 2, 4, labels2, scores2) == LEVER_OK);
        CHECK(memcmp(labels, labels2, sizeof labels) == 0);
        CHECK(memcmp(scores, scores2, sizeof scores) == 0);
    }

    /* A loaded model maps its file: it keeps predicting the same after the file is replaced by a
     * save (a rename) and removed; a truncated copy of the file is refused as corrupt. */
    {
        char other[4200], cut[4200];
        int64_t labels2[2 * 4];
        float scores2[2 * 4];
        FILE *in, *out;
        long size = 0;
        lever_model *third = NULL;
        snprintf(other, sizeof other, "%s.other", path);
        snprintf(cut, sizeof cut, "%s.cut", path);
        CHECK(lever_model_save(model, other) == LEVER_OK);
        CHECK(lever_model_load(other, &third) == LEVER_OK);
        CHECK(lever_model_save(loaded, other) == LEVER_OK);
        CHECK(remove(other) == 0);
        CHECK(lever_model_predict(third, inputs, 2, 4, labels2, scores2) == LEVER_OK);
        CHECK(memcmp(labels, labels2, sizeof labels) == 0);
        CHECK(memcmp(scores, scores2, sizeof scores) == 0);
        lever_model_free(third);
        in = fopen(path, "rb");
        out = fopen(cut, "wb");
        CHECK(in != NULL && out != NULL);
        if (in != NULL && out != NULL) {
            char block[4096];
            CHECK(fseek(in, 0, SEEK_END) == 0 && (size = ftell(in)) > 4096 && fseek(in, 0, SEEK_SET) == 0);
            for (size -= 100; size > 0; size -= (long)sizeof block) {
                size_t n = size < (long)sizeof block ? (size_t)size : sizeof block;
                CHECK(fread(block, 1, n, in) == n && fwrite(block, 1, n, out) == n);
            }
        }
        if (in != NULL) fclose(in);
        if (out != NULL) fclose(out);
        CHECK_ERR(lever_model_load(cut, &third), LEVER_ERR_CORRUPT, "truncated");
        remove(cut);
    }

    /* Freeing: NULL is a no-op; a second free of the same handle is detected, not a crash. */
    lever_model_free(NULL);
    lever_model_free(loaded);
    lever_model_free(loaded);
    CHECK(strstr(lever_last_error(), "not a live lever_model") != NULL);
    CHECK_ERR(lever_model_num_labels(loaded, &n), LEVER_ERR_INVALID_ARG, "not a live lever_model");

    /* One 100 MB text: only its first LEVER_MAX_TEXT_BYTES are featurised (it took 4.1 GB before). */
    {
        size_t len = (size_t)100 << 20, i;
        char *huge = (char *)malloc(len + 1);
        const char *one[1];
        CHECK(huge != NULL);
        if (huge != NULL) {
            for (i = 0; i < len; i++) huge[i] = (i % 8 == 7) ? ' ' : (char)('a' + i % 7);
            memcpy(huge, "small cat ", 10);
            huge[len] = 0;
            one[0] = huge;
            CHECK(lever_model_predict(model, one, 1, 4, labels, scores) == LEVER_OK);
            free(huge);
        }
    }

    /* A stale handle never reaches a newer model, even one allocated where the freed one was. */
    {
        int round;
        for (round = 0; round < 20; round++) {
            lever_model *old = NULL, *fresh = NULL;
            CHECK(lever_model_load(path, &old) == LEVER_OK);
            lever_model_free(old);
            CHECK(lever_model_load(path, &fresh) == LEVER_OK);
            CHECK(fresh != old);
            lever_model_free(old); /* stale: must be ignored */
            CHECK(strstr(lever_last_error(), "not a live lever_model") != NULL);
            CHECK(lever_model_num_labels(fresh, &n) == LEVER_OK && n == 3);
            lever_model_free(fresh);
        }
    }
    lever_model_free(model);

    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
