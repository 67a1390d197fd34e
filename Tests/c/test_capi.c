/* Calls every function of include/lever.h, with good and bad arguments. Compiled by the test suite
 * as C99 and as C++ with -Wall -Wextra -Werror. Usage: test_capi DATA_DIR WORK_DIR */
#include "lever.h"

#include <math.h>
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

/* In-memory training, model info, label lookup, embeddings and prediction options (lever_train_memory
 * and after). Trains its own models from arrays. */
static void test_memory_api(void) {
    const char *texts[4] = {"small cat", "big dog", "small bird", "cat and dog"};
    const char *label_texts[3] = {"cat", "dog", "bird"};
    const int64_t indptr[5] = {0, 1, 2, 3, 5};
    const int64_t ids[5] = {0, 1, 2, 0, 1};
    const float values[5] = {1.0f, 1.0f, 1.0f, 0.5f, 2.0f};
    const char *knn_config = "{\"method\": \"knn\", \"knn\": {\"neighbours\": 2}, \"features\": {\"hash_bits\": 12}}";
    const char *teacher_config = "{\"method\": \"teacher\", \"features\": {\"hash_bits\": 12}, "
                                 "\"teacher\": {\"dim\": 8, \"epochs\": 3, \"batch_size\": 2, \"hard_negatives\": 1, "
                                 "\"warmup_epochs\": 1, "
                                 "\"cluster_size\": 2, \"cluster_size_max\": 4, \"min_df\": 1}}";
    const char *inputs[2] = {"small cat", "big dog"};
    lever_model *knn = NULL, *teacher = NULL, *freed = NULL;
    int64_t labels[2 * 3], id = 0;
    float scores[2 * 3], emb[4 * 8];
    char *info = NULL;
    size_t dim = 99;
    int cancelled_calls = 0;
    lever_predict_options opts;

    /* Training from arrays: every argument checked. */
    CHECK(lever_train_memory(knn_config, texts, 4, indptr, ids, values, label_texts, 3, count_progress, NULL, &knn)
          == LEVER_OK);
    CHECK(knn != NULL);
    CHECK_ERR(lever_train_memory(NULL, texts, 4, indptr, ids, NULL, label_texts, 3, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "config_json");
    CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, ids, NULL, label_texts, 3, NULL, NULL, NULL),
              LEVER_ERR_INVALID_ARG, "out");
    CHECK_ERR(lever_train_memory("{\"data\": {\"dir\": \".\"}}", texts, 4, indptr, ids, NULL, label_texts, 3,
                                 NULL, NULL, &freed), LEVER_ERR_CONFIG, "\"data\" is not allowed");
    CHECK(freed == NULL);
    CHECK_ERR(lever_train_memory(knn_config, NULL, 4, indptr, ids, NULL, label_texts, 3, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "texts is NULL");
    CHECK_ERR(lever_train_memory(knn_config, texts, 0, indptr, ids, NULL, label_texts, 3, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "n_rows is 0");
    CHECK_ERR(lever_train_memory(knn_config, texts, (size_t)-1, indptr, ids, NULL, label_texts, 3, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "n_rows");
    CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, ids, NULL, label_texts, 0, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "n_labels is 0");
    CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, ids, NULL, label_texts, (size_t)-1, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "n_labels");
    CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, ids, NULL, NULL, 3, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "label_texts is NULL");
    CHECK_ERR(lever_train_memory(knn_config, texts, 4, NULL, ids, NULL, label_texts, 3, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "label_indptr is NULL");
    CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, NULL, NULL, label_texts, 3, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "label_ids is NULL");
    CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, ids, NULL, label_texts, 2, NULL, NULL, &freed),
              LEVER_ERR_INVALID_ARG, "labels: row 2: label id 2 is outside 0..<2");
    {
        const int64_t decreasing[5] = {0, 2, 1, 3, 5};
        const int64_t huge[5] = {0, 1, 2, 3, INT64_MAX};
        const int64_t twice[5] = {0, 1, 2, 0, 0};
        const float bad_values[5] = {1.0f, 1.0f, 1.0f, 0.0f, 1.0f};
        const char *bad_text[4] = {"small cat", "\xc3\x28", "small bird", "cat and dog"};
        const char *null_label[3] = {"cat", NULL, "bird"};
        CHECK_ERR(lever_train_memory(knn_config, texts, 4, decreasing, ids, NULL, label_texts, 3, NULL, NULL, &freed),
                  LEVER_ERR_INVALID_ARG, "label_indptr: row 1: offsets decrease");
        CHECK_ERR(lever_train_memory(knn_config, texts, 4, huge, ids, NULL, label_texts, 3, NULL, NULL, &freed),
                  LEVER_ERR_INVALID_ARG, "too large");
        CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, twice, NULL, label_texts, 3, NULL, NULL, &freed),
                  LEVER_ERR_INVALID_ARG, "row 3: label id 0 appears twice");
        CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, ids, bad_values, label_texts, 3, NULL, NULL, &freed),
                  LEVER_ERR_INVALID_ARG, "row 3: label id 0 has value 0");
        CHECK_ERR(lever_train_memory(knn_config, bad_text, 4, indptr, ids, NULL, label_texts, 3, NULL, NULL, &freed),
                  LEVER_ERR_INVALID_ARG, "texts[1] is not valid UTF-8");
        CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, ids, NULL, null_label, 3, NULL, NULL, &freed),
                  LEVER_ERR_INVALID_ARG, "label_texts[1] is NULL");
    }
    CHECK_ERR(lever_train_memory(knn_config, texts, 4, indptr, ids, NULL, label_texts, 3, cancel_at_once,
                                 &cancelled_calls, &freed), LEVER_ERR_CANCELLED, "cancelled");
    CHECK(cancelled_calls == 1 && freed == NULL);
    CHECK(lever_train_memory(teacher_config, texts, 4, indptr, ids, NULL, label_texts, 3, NULL, NULL, &teacher)
          == LEVER_OK);
    CHECK(lever_train_memory(knn_config, texts, 4, indptr, ids, NULL, label_texts, 3, NULL, NULL, &freed) == LEVER_OK);
    lever_model_free(freed); /* from here on a stale handle */

    /* Model info: a JSON text the caller frees. */
    CHECK(lever_model_info_json(knn, &info) == LEVER_OK);
    CHECK(info != NULL && strstr(info, "\"method\": \"knn\"") != NULL && strstr(info, "\"train_seconds\"") != NULL);
    lever_string_free(info);
    info = NULL;
    CHECK(lever_model_info_json(teacher, &info) == LEVER_OK);
    CHECK(info != NULL && strstr(info, "\"embedding_dimension\": 8") != NULL);
    lever_string_free(info);
    lever_string_free(NULL);
    CHECK_ERR(lever_model_info_json(NULL, &info), LEVER_ERR_INVALID_ARG, "model is NULL");
    CHECK_ERR(lever_model_info_json(freed, &info), LEVER_ERR_INVALID_ARG, "not a live lever_model");
    CHECK_ERR(lever_model_info_json(knn, NULL), LEVER_ERR_INVALID_ARG, "out");

    /* Label id by text: exact; not found is -1 with LEVER_OK. */
    CHECK(lever_model_label_id(knn, "dog", &id) == LEVER_OK && id == 1);
    CHECK(lever_model_label_id(knn, "Dog", &id) == LEVER_OK && id == -1);
    CHECK_ERR(lever_model_label_id(knn, "\xff", &id), LEVER_ERR_INVALID_ARG, "text is not valid UTF-8");
    CHECK_ERR(lever_model_label_id(knn, NULL, &id), LEVER_ERR_INVALID_ARG, "text");
    CHECK_ERR(lever_model_label_id(knn, "dog", NULL), LEVER_ERR_INVALID_ARG, "out");
    CHECK_ERR(lever_model_label_id(freed, "dog", &id), LEVER_ERR_INVALID_ARG, "not a live lever_model");

    /* Embeddings: the teacher's; a knn model has none. */
    CHECK(lever_model_embedding_dim(knn, &dim) == LEVER_OK && dim == 0);
    CHECK(lever_model_embedding_dim(teacher, &dim) == LEVER_OK && dim == 8);
    CHECK_ERR(lever_model_embedding_dim(teacher, NULL), LEVER_ERR_INVALID_ARG, "out");
    CHECK_ERR(lever_model_embedding_dim(freed, &dim), LEVER_ERR_INVALID_ARG, "not a live lever_model");
    CHECK(lever_model_embed_texts(teacher, inputs, 2, emb, 8) == LEVER_OK);
    CHECK(lever_model_embed_labels(teacher, 0, 3, emb + 8, 8) == LEVER_OK);
    {
        /* A label's teacher score is the dot product of the two embeddings. */
        int64_t top[1];
        float top_score[1], dot = 0.0f;
        int c;
        CHECK(lever_model_predict(teacher, inputs, 1, 1, top, top_score) == LEVER_OK);
        for (c = 0; c < 8 && top[0] >= 0 && top[0] < 3; c++) dot += emb[c] * emb[8 + top[0] * 8 + c];
        CHECK(dot > top_score[0] - 1e-4f && dot < top_score[0] + 1e-4f);
    }
    CHECK_ERR(lever_model_embed_texts(knn, inputs, 2, emb, 8), LEVER_ERR_INVALID_ARG, "no text encoder");
    CHECK_ERR(lever_model_embed_texts(teacher, inputs, 2, emb, 4), LEVER_ERR_INVALID_ARG, "dim is 4");
    CHECK_ERR(lever_model_embed_texts(teacher, NULL, 2, emb, 8), LEVER_ERR_INVALID_ARG, "texts is NULL");
    CHECK_ERR(lever_model_embed_texts(teacher, inputs, 2, NULL, 8), LEVER_ERR_INVALID_ARG, "out is NULL");
    CHECK_ERR(lever_model_embed_texts(teacher, inputs, (size_t)-1, emb, 8), LEVER_ERR_INVALID_ARG, "n_texts");
    CHECK_ERR(lever_model_embed_texts(freed, inputs, 2, emb, 8), LEVER_ERR_INVALID_ARG, "not a live lever_model");
    {
        const char *bad[2] = {"fine", "\xe2\x82"};
        CHECK_ERR(lever_model_embed_texts(teacher, bad, 2, emb, 8), LEVER_ERR_INVALID_ARG, "texts[1]");
    }
    CHECK_ERR(lever_model_embed_labels(teacher, 2, 2, emb, 8), LEVER_ERR_INVALID_ARG, "outside the model's 0..<3");
    CHECK_ERR(lever_model_embed_labels(teacher, (size_t)-1, 1, emb, 8), LEVER_ERR_INVALID_ARG, "first");
    CHECK_ERR(lever_model_embed_labels(teacher, 0, 3, NULL, 8), LEVER_ERR_INVALID_ARG, "out is NULL");
    CHECK_ERR(lever_model_embed_labels(knn, 0, 1, emb, 8), LEVER_ERR_INVALID_ARG, "no text encoder");
    CHECK_ERR(lever_model_embed_labels(NULL, 0, 1, emb, 8), LEVER_ERR_INVALID_ARG, "model is NULL");

    /* Prediction options. */
    lever_predict_options_init(NULL);
    lever_predict_options_init(&opts);
    CHECK(opts.struct_size == sizeof opts && opts.threads == 0 && opts.has_score_floor == 0);
    CHECK(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores) == LEVER_OK);
    CHECK(labels[0] == 0 && labels[3] == 1);
    CHECK(lever_model_predict_ex(knn, inputs, 2, 3, NULL, labels, scores) == LEVER_OK);
    {
        const int64_t ex_indptr[3] = {0, 1, 3};
        const int64_t ex_ids[3] = {0, 1, 1};
        int64_t plain[2 * 3];
        float plain_scores[2 * 3];
        int i;
        CHECK(lever_model_predict(knn, inputs, 2, 3, plain, plain_scores) == LEVER_OK);
        opts.exclude_indptr = ex_indptr;
        opts.exclude_ids = ex_ids;
        opts.threads = 2;
        CHECK(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores) == LEVER_OK);
        for (i = 0; i < 3; i++) CHECK(labels[i] != 0 && labels[3 + i] != 1);
        opts.exclude_indptr = NULL;
        opts.exclude_ids = NULL;
        opts.has_score_floor = 1;
        opts.score_floor = plain_scores[0] * 0.999f; /* only the best of row 0 stays */
        CHECK(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores) == LEVER_OK);
        CHECK(labels[0] == plain[0] && labels[1] == -1 && scores[1] == 0.0f);
        for (i = 0; i < 6; i++) CHECK(labels[i] == -1 || scores[i] >= opts.score_floor);
        opts.score_floor = INFINITY;
        CHECK_ERR(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG,
                  "score_floor");
        lever_predict_options_init(&opts);
        opts.exclude_indptr = ex_indptr;
        CHECK_ERR(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG,
                  "options->exclude_ids is NULL");
        {
            const int64_t bad_ids[3] = {0, 3, 1};
            opts.exclude_ids = bad_ids;
            CHECK_ERR(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG,
                      "options->exclude_ids: row 1: label id 3 is outside 0..<3");
        }
        opts.exclude_indptr = NULL;
        opts.exclude_ids = ex_ids;
        CHECK_ERR(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG,
                  "options->exclude_indptr is NULL");
    }
    lever_predict_options_init(&opts);
    opts.threads = 5000;
    CHECK_ERR(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG, "threads");
    lever_predict_options_init(&opts);
    opts.struct_size = 4;
    CHECK_ERR(lever_model_predict_ex(knn, inputs, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG, "struct_size");
    {
        /* A struct from a newer header: accepted while its unknown bytes are zero. */
        struct { lever_predict_options base; uint64_t later; } newer;
        memset(&newer, 0, sizeof newer);
        lever_predict_options_init(&newer.base);
        newer.base.struct_size = (uint32_t)sizeof newer;
        CHECK(lever_model_predict_ex(knn, inputs, 2, 3, &newer.base, labels, scores) == LEVER_OK);
        newer.later = 1;
        CHECK_ERR(lever_model_predict_ex(knn, inputs, 2, 3, &newer.base, labels, scores), LEVER_ERR_INVALID_ARG,
                  "newer Lever");
    }
    {
        /* Label ranges: each row holds only the range's labels; merged by score they are the full rows. */
        int64_t plain[2 * 3];
        float plain_scores[2 * 3];
        int64_t part[2][2 * 3];
        float part_scores[2][2 * 3];
        int i, r;
        CHECK(lever_model_predict(knn, inputs, 2, 3, plain, plain_scores) == LEVER_OK);
        lever_predict_options_init(&opts);
        CHECK_ERR(lever_model_predict_range(knn, inputs, 2, 3, &opts, 3, 4, labels, scores), LEVER_ERR_INVALID_ARG,
                  "label_end");
        CHECK_ERR(lever_model_predict_range(knn, inputs, 2, 3, NULL, 0, (size_t)-1, labels, scores),
                  LEVER_ERR_INVALID_ARG, "label_end");
        CHECK_ERR(lever_model_predict_range(knn, inputs, 2, 3, NULL, (size_t)-1, 0, labels, scores),
                  LEVER_ERR_INVALID_ARG, "label_first");
        CHECK_ERR(lever_model_predict_range(knn, inputs, 2, 3, NULL, 2, 2, labels, scores), LEVER_ERR_INVALID_ARG,
                  "label_first < label_end");
        for (r = 0; r < 2; r++) {
            size_t first = r == 0 ? 0 : 1, end = r == 0 ? 1 : 3;
            CHECK(lever_model_predict_range(knn, inputs, 2, 3, r == 0 ? NULL : &opts, first, end, part[r],
                                            part_scores[r]) == LEVER_OK);
            for (i = 0; i < 6; i++) CHECK(part[r][i] == -1 || (part[r][i] >= (int64_t)first && part[r][i] < (int64_t)end));
        }
        for (i = 0; i < 2; i++) { /* two-way merge of row i, cut to k = 3 */
            int a = 0, b = 0, j;
            for (j = 0; j < 3; j++) {
                int64_t la = a < 3 ? part[0][i * 3 + a] : -1, lb = b < 3 ? part[1][i * 3 + b] : -1;
                float sa = la >= 0 ? part_scores[0][i * 3 + a] : -1.0f, sb = lb >= 0 ? part_scores[1][i * 3 + b] : -1.0f;
                int take_a = la >= 0 && (lb < 0 || sa > sb || (sa == sb && la < lb));
                int64_t l = take_a ? la : lb;
                if (take_a) a++; else if (lb >= 0) b++;
                CHECK(l == plain[i * 3 + j]);
            }
        }
    }
    lever_predict_options_init(&opts);
    CHECK_ERR(lever_model_predict_ex(freed, inputs, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG,
              "not a live lever_model");
    CHECK_ERR(lever_model_predict_ex(knn, inputs, 2, 0, &opts, labels, scores), LEVER_ERR_INVALID_ARG, "k must be");
    CHECK_ERR(lever_model_predict_ex(knn, NULL, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG, "texts");
    CHECK_ERR(lever_model_predict(knn, inputs, ((size_t)1 << 60) - 1, 1, labels, scores), LEVER_ERR_INVALID_ARG,
              "n_texts");
    CHECK_ERR(lever_model_predict_ex(knn, inputs, (size_t)-1 / 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG,
              "n_texts");
    {
        const char *bad[2] = {"fine", "\xff"};
        CHECK_ERR(lever_model_predict_ex(knn, bad, 2, 3, &opts, labels, scores), LEVER_ERR_INVALID_ARG, "texts[1]");
    }
    lever_model_free(knn);
    lever_model_free(teacher);
}

/* Label-sharded training from C: phase 1, two shards solved in reverse order, the merge; the merged
 * model predicts exactly as lever_train's model of the same config. */
static void test_sharded_training(const char *data_dir, const char *work_dir) {
    char config[4096], wpath[4096], s0[4096], s1[4096];
    const char *shards[2] = {s1, s0};
    const char *inputs[2] = {"small cat", "big dog"};
    lever_model *single = NULL, *base = NULL, *merged = NULL;
    int64_t l1[2 * 3], l2[2 * 3];
    float p1[2 * 3], p2[2 * 3];
    size_t n = 99;
    int i;
    snprintf(config, sizeof config,
             "{\"data\": {\"dir\": \"%s\"}, \"threads\": 1, \"features\": {\"hash_bits\": 12}, "
             "\"teacher\": {\"dim\": 8, \"epochs\": 3, \"batch_size\": 2, \"hard_negatives\": 1, "
             "\"warmup_epochs\": 1, \"cluster_size\": 2, \"cluster_size_max\": 4, \"min_df\": 1}, "
             "\"student\": {\"epochs\": 2, \"batch_size\": 2, \"predict_shortlist\": 3}}", data_dir);
    snprintf(wpath, sizeof wpath, "%s/shard.work", work_dir);
    snprintf(s0, sizeof s0, "%s/shard0", work_dir);
    snprintf(s1, sizeof s1, "%s/shard1", work_dir);
    CHECK_ERR(lever_shard_prepare(config, NULL, wpath, NULL, NULL, &base, NULL), LEVER_ERR_INVALID_ARG, "labels_out");
    CHECK_ERR(lever_shard_prepare(config, NULL, NULL, NULL, NULL, &base, &n), LEVER_ERR_INVALID_ARG, "work_path");
    CHECK(lever_train(config, NULL, NULL, &single) == LEVER_OK);
    CHECK(lever_shard_prepare(config, NULL, wpath, NULL, NULL, &base, &n) == LEVER_OK && n == 3);
    CHECK_ERR(lever_shard_solve(wpath, 2, 2, 0, s0, NULL, NULL), LEVER_ERR_INVALID_ARG, "first_label < end_label");
    CHECK_ERR(lever_shard_solve(wpath, 0, 4, 0, s0, NULL, NULL), LEVER_ERR_INVALID_ARG, "3 labels");
    CHECK(lever_shard_solve(wpath, 1, 3, 2, s1, NULL, NULL) == LEVER_OK);
    CHECK_ERR(lever_shard_merge(base, shards, 1, &merged), LEVER_ERR_INVALID_ARG, "labels 0..<1 are in no shard");
    CHECK(lever_shard_solve(wpath, 0, 1, 1, s0, NULL, NULL) == LEVER_OK);
    CHECK_ERR(lever_shard_merge(base, shards, 0, &merged), LEVER_ERR_INVALID_ARG, "n_shards");
    CHECK(lever_shard_merge(base, shards, 2, &merged) == LEVER_OK && merged != NULL);
    CHECK(lever_model_predict(single, inputs, 2, 3, l1, p1) == LEVER_OK);
    CHECK(lever_model_predict(merged, inputs, 2, 3, l2, p2) == LEVER_OK);
    for (i = 0; i < 6; i++) CHECK(l1[i] == l2[i] && memcmp(&p1[i], &p2[i], sizeof(float)) == 0);
    lever_model_free(merged);
    lever_model_free(base);
    lever_model_free(single);
}

/* The config schema: defaults, schema with descriptions, and a check listing every problem. */
static void test_config_schema(void) {
    char *out = NULL, *problems = NULL;
    char untouched[] = "untouched";
    CHECK(lever_config_defaults(&out) == LEVER_OK);
    CHECK(out != NULL && strstr(out, "\"hash_bits\": 20") != NULL);
    if (out != NULL) {
        CHECK(lever_config_check(out, &problems) == LEVER_OK); /* the defaults are a valid config */
        CHECK(problems != NULL && strcmp(problems, "[]") == 0);
        lever_string_free(problems);
        problems = NULL;
    }
    lever_string_free(out);
    out = NULL;
    CHECK_ERR(lever_config_defaults(NULL), LEVER_ERR_INVALID_ARG, "out");
    CHECK(lever_config_schema(&out) == LEVER_OK);
    CHECK(out != NULL && strstr(out, "\"key\": \"teacher.dim\"") != NULL && strstr(out, "\"min\": 2") != NULL);
    CHECK(out != NULL && strstr(out, "\"choices\": [\"knn\", \"teacher\", \"ova\", \"lever\"]") != NULL);
    lever_string_free(out);
    CHECK_ERR(lever_config_schema(NULL), LEVER_ERR_INVALID_ARG, "out");

    /* Every problem at once, each with its key path. */
    CHECK_ERR(lever_config_check("{\"knn\": {\"neighbours\": 0}, \"teacher\": {\"dim\": 1}}", &problems),
              LEVER_ERR_CONFIG, "2 problems");
    CHECK(strstr(lever_last_error(), "\"teacher.dim\" is 1; expected an integer in 2...4096") != NULL);
    CHECK(problems != NULL && strstr(problems, "{\"key\":\"knn.neighbours\",\"message\":") != NULL);
    CHECK(problems != NULL && strstr(problems, "{\"key\":\"teacher.dim\",\"message\":") != NULL);
    lever_string_free(problems);
    problems = NULL;
    CHECK_ERR(lever_config_check("{\"knn\": {\"neighbors\": 3}}", NULL), LEVER_ERR_CONFIG, "knn.neighbors");
    CHECK_ERR(lever_config_check("{\"knn\": ", &problems), LEVER_ERR_CONFIG, "invalid JSON");
    CHECK(problems != NULL && strstr(problems, "\"key\":\"\"") != NULL);
    lever_string_free(problems);

    /* NULL and non-UTF-8 text are invalid arguments and leave *problems unwritten. */
    problems = untouched;
    CHECK_ERR(lever_config_check(NULL, &problems), LEVER_ERR_INVALID_ARG, "json");
    CHECK_ERR(lever_config_check("{\"method\": \"\xff\"}", &problems), LEVER_ERR_INVALID_ARG, "UTF-8");
    CHECK(problems == untouched);
    lever_string_free(NULL);
}

/* lever_metrics_compute and lever_string_free: a case worked out by hand, then every bad input. */
static void test_metrics(void) {
    /* 2 rows, 4 labels; row 0: truth {0, 2}, ranking 1, 0; row 1: truth {3}, ranking 3, (empty). */
    const int64_t pred[4] = {1, 0, 3, -1};
    const int64_t indptr[3] = {0, 2, 3};
    const int64_t truth[3] = {0, 2, 3};
    const int64_t counts[4] = {3, 1, 1, 0};
    const double inv_ps[4] = {1.0, 2.0, 2.0, 4.0};
    const int64_t filter[2] = {0, 1}; /* drops label 1 from row 0: its ranking becomes 0 */
    const int64_t bad_pred[4] = {1, 7, 3, -1};
    const int64_t bad_truth[3] = {0, -2, 3};
    const int64_t bad_counts[4] = {3, 1, 5, 0};
    const double nan_ps[4] = {1.0, NAN, 2.0, 4.0};
    const int64_t bad_indptr[3] = {0, 2, 1};
    lever_metrics_input in;
    char *json = NULL;

    memset(&in, 0, sizeof in);
    in.struct_size = sizeof in;
    in.predictions = pred;
    in.n_rows = 2;
    in.width = 2;
    in.truth_indptr = indptr;
    in.truth_labels = truth;
    in.n_labels = 4;
    CHECK(lever_metrics_compute(&in, "{\"k\": 2}", &json) == LEVER_OK);
    CHECK(json != NULL && strstr(json, "\"P\":{\"1\":50.0,\"2\":50.0}") != NULL);
    CHECK(json != NULL && strstr(json, "\"recall\":{\"1\":75.0,\"2\":75.0}") == NULL); /* R@1 = (0 + 1) / 2 */
    CHECK(json != NULL && strstr(json, "\"recall\":{\"1\":50.0,\"2\":75.0}") != NULL);
    CHECK(json != NULL && strstr(json, "PSP") == NULL); /* no propensities given */
    CHECK(json != NULL && strstr(json, "\"bands\":{}") != NULL);
    lever_string_free(json);
    json = NULL;
    in.inv_propensities = inv_ps;
    in.filter_pairs = filter;
    in.n_filter_pairs = 1;
    CHECK(lever_metrics_compute(&in, "{\"k\": [1]}", &json) == LEVER_OK);
    CHECK(json != NULL && strstr(json, "\"P\":{\"1\":100.0}") != NULL);
    /* PSP@1: hits weigh 1 (row 0, label 0) and 4 (row 1); the best would be 2 (label 2) and 4. */
    CHECK(json != NULL && strstr(json, "\"PSP\":{\"1\":83.3333") != NULL);
    lever_string_free(json);
    json = NULL;
    in.train_counts = counts;
    in.n_train_rows = 4;
    CHECK(lever_metrics_compute(&in, NULL, &json) == LEVER_OK);
    CHECK(json != NULL && strstr(json, "\"head\":{\"train_rows\":\">= 51\",\"labels\":0") != NULL);
    CHECK(json != NULL && strstr(json, "\"tail\":{\"train_rows\":\"<= 5\",\"labels\":4") != NULL);
    lever_string_free(json);
    lever_string_free(NULL);

    CHECK_ERR(lever_metrics_compute(NULL, NULL, &json), LEVER_ERR_INVALID_ARG, "input is NULL");
    CHECK_ERR(lever_metrics_compute(&in, NULL, NULL), LEVER_ERR_INVALID_ARG, "out_json");
    CHECK_ERR(lever_metrics_compute(&in, "{\"k\": 0}", &json), LEVER_ERR_CONFIG, "\"k\"");
    CHECK_ERR(lever_metrics_compute(&in, "{\"kk\": 1}", &json), LEVER_ERR_CONFIG, "unknown key \"kk\"");
    CHECK_ERR(lever_metrics_compute(&in, "{\"propensity_a\": -1}", &json), LEVER_ERR_CONFIG, "propensity_a");
    CHECK_ERR(lever_metrics_compute(&in, "\xff", &json), LEVER_ERR_INVALID_ARG, "options_json");
    in.struct_size = 8;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "struct_size");
    in.struct_size = sizeof in;
    in.n_rows = (size_t)-1;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "n_rows");
    in.n_rows = 2;
    in.n_labels = 0;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "n_labels");
    in.n_labels = 4;
    in.predictions = NULL;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "predictions is NULL");
    in.predictions = bad_pred;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "row 0, column 1: label 7");
    in.predictions = pred;
    in.truth_labels = bad_truth;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "truth_labels[1] (row 0)");
    in.truth_labels = NULL;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "truth_labels is NULL");
    in.truth_labels = truth;
    in.truth_indptr = bad_indptr;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "decreases at row 1");
    in.truth_indptr = NULL;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "truth_indptr is NULL");
    in.truth_indptr = indptr;
    in.train_counts = bad_counts;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "train_counts[2] = 5");
    in.train_counts = counts;
    in.inv_propensities = nan_ps;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "inv_propensities[1]");
    in.inv_propensities = inv_ps;
    in.filter_pairs = NULL;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "filter_pairs is NULL");
    in.filter_pairs = bad_pred; /* (1, 7): label out of range */
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "filter_pairs[0] = (1, 7)");
    in.filter_pairs = NULL;
    in.n_filter_pairs = 0;
    /* Sizes whose products overflow are refused before anything is read or allocated. */
    {
        size_t rows = in.n_rows, width = in.width;
        in.n_rows = SIZE_MAX >> 7;
        in.width = 1;
        CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "input->n_rows");
        in.n_rows = rows;
        in.width = width;
    }
    /* Propensities from counts need at least 3 training rows (below, Jain et al.'s weights are <= 0). */
    in.inv_propensities = NULL;
    in.n_train_rows = 2;
    CHECK_ERR(lever_metrics_compute(&in, NULL, &json), LEVER_ERR_INVALID_ARG, "n_train_rows is 2");
    in.n_train_rows = 4;
    /* A struct from a newer header: accepted when the unknown trailing bytes are zero. */
    {
        struct { lever_metrics_input base; unsigned char later[16]; } newer;
        memset(&newer, 0, sizeof newer);
        newer.base = in;
        newer.base.struct_size = sizeof newer;
        CHECK(lever_metrics_compute(&newer.base, NULL, &json) == LEVER_OK);
        lever_string_free(json);
        json = NULL;
        newer.later[3] = 1;
        CHECK_ERR(lever_metrics_compute(&newer.base, NULL, &json), LEVER_ERR_INVALID_ARG, "does not know");
    }
}

/* lever_model_add_labels: refused for kNN, a new model for a teacher; the original is unchanged. */
static void test_add_labels(lever_model *knn, const char *data_dir) {
    char config[4096];
    lever_model *teacher = NULL, *wider = NULL, *freed = NULL;
    const char *texts[2] = {"fish", "small bird"};
    const char *bad[2] = {"fish", "\xc3\x28"};
    const char *null_text[2] = {"fish", NULL};
    const char *dup[2] = {"fish", "dog"};
    const char *text = NULL;
    size_t n = 0;

    CHECK_ERR(lever_model_add_labels(knn, texts, 2, &wider), LEVER_ERR_INVALID_ARG, "\"knn\"");
    snprintf(config, sizeof config,
             "{\"data\": {\"dir\": \"%s\"}, \"method\": \"teacher\", \"features\": {\"hash_bits\": 12},"
             " \"teacher\": {\"dim\": 8, \"epochs\": 2, \"batch_size\": 2, \"hard_negatives\": 1,"
             " \"warmup_epochs\": 1, \"cluster_size\": 2, \"cluster_size_max\": 4, \"min_df\": 1}}", data_dir);
    CHECK(lever_train(config, NULL, NULL, &teacher) == LEVER_OK);
    CHECK(lever_model_add_labels(teacher, texts, 2, &wider) == LEVER_OK);
    CHECK(wider != NULL && wider != teacher);
    CHECK(lever_model_num_labels(wider, &n) == LEVER_OK && n == 5);
    CHECK(lever_model_label_text(wider, 4, &text) == LEVER_OK && strcmp(text, "small bird") == 0);
    CHECK(lever_model_num_labels(teacher, &n) == LEVER_OK && n == 3);
    CHECK_ERR(lever_model_add_labels(NULL, texts, 2, &freed), LEVER_ERR_INVALID_ARG, "model");
    CHECK_ERR(lever_model_add_labels(teacher, NULL, 2, &freed), LEVER_ERR_INVALID_ARG, "texts");
    CHECK_ERR(lever_model_add_labels(teacher, texts, 2, NULL), LEVER_ERR_INVALID_ARG, "out");
    CHECK_ERR(lever_model_add_labels(teacher, texts, 0, &freed), LEVER_ERR_INVALID_ARG, "n is 0");
    CHECK_ERR(lever_model_add_labels(teacher, texts, (size_t)-1, &freed), LEVER_ERR_INVALID_ARG, "n =");
    CHECK_ERR(lever_model_add_labels(teacher, bad, 2, &freed), LEVER_ERR_INVALID_ARG, "texts[1]");
    CHECK_ERR(lever_model_add_labels(teacher, null_text, 2, &freed), LEVER_ERR_INVALID_ARG, "texts[1]");
    {
        const char *empty[1] = {""};
        CHECK_ERR(lever_model_add_labels(teacher, empty, 1, &freed), LEVER_ERR_INVALID_ARG, "texts[0] is empty");
    }
    CHECK(freed == NULL);
    CHECK(lever_model_add_labels(teacher, dup, 2, &freed) == LEVER_OK); /* a repeated text is allowed */
    lever_model_free(freed);
    lever_model_free(wider);
    CHECK_ERR(lever_model_add_labels(wider, texts, 2, &freed), LEVER_ERR_INVALID_ARG, "not a live lever_model");
    lever_model_free(teacher);
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
    test_metrics();
    test_add_labels(model, argv[1]);
    lever_model_free(model);
    test_memory_api();
    test_sharded_training(argv[1], argv[2]);
    test_config_schema();

    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
