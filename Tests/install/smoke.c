/* The installed C library at work, as a user gets it: built by test_install.sh with
 * `cc smoke.c $(pkg-config --cflags --libs lever)` against `make install PREFIX=...` and run from a
 * folder outside the repository. Each step is a function in `steps`; add steps for new functions here.
 *
 *   smoke WORK_DIR      (WORK_DIR holds the tiny dataset: Y.txt, trn_X.txt, trn_X_Y.txt, config.json)
 */
#include <lever.h>

#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                                                 \
    do {                                                                                            \
        if (!(cond)) {                                                                              \
            fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
                    lever_last_error());                                                            \
            return 1;                                                                               \
        }                                                                                           \
    } while (0)

static char config_path[4096], model_path[4096];

static int versions_agree(void) {
    CHECK(lever_abi_version() == LEVER_ABI_VERSION);
    CHECK(strcmp(lever_version(), LEVER_VERSION_STRING) == 0);
    return 0;
}

static int train_predict_save(void) {
    const char *texts[] = {"small cat", "big dog"};
    int64_t labels[2 * 2];
    float scores[2 * 2];
    const char *text = NULL;
    size_t n = 0;
    lever_model *trained = NULL, *loaded = NULL;

    CHECK(lever_train_file(config_path, NULL, NULL, &trained) == LEVER_OK);
    CHECK(lever_model_save(trained, model_path) == LEVER_OK);
    lever_model_free(trained);
    CHECK(lever_model_load(model_path, &loaded) == LEVER_OK);
    CHECK(lever_model_num_labels(loaded, &n) == LEVER_OK && n == 3);
    CHECK(lever_model_predict(loaded, texts, 2, 2, labels, scores) == LEVER_OK);
    CHECK(labels[0] >= 0 && lever_model_label_text(loaded, (size_t)labels[0], &text) == LEVER_OK);
    CHECK(strcmp(text, "cat") == 0);
    CHECK(labels[2] >= 0 && lever_model_label_text(loaded, (size_t)labels[2], &text) == LEVER_OK);
    CHECK(strcmp(text, "dog") == 0);
    trained = NULL;
    CHECK(lever_model_load(config_path, &trained) == LEVER_ERR_NOT_A_MODEL && trained == NULL);
    CHECK(strstr(lever_last_error(), "config.json") != NULL);
    lever_model_free(loaded);
    return 0;
}

/* Train from arrays, predict, evaluate with lever_metrics_compute, add labels by text, save, load. */
static int arrays_metrics_new_labels(void) {
    const char *texts[6] = {"small cat", "big dog", "small bird", "cat and dog", "tiny cat", "large dog"};
    const char *label_texts[3] = {"cat", "dog", "bird"};
    const char *added[2] = {"small fish", "blue fish"};
    const int64_t indptr[7] = {0, 1, 2, 3, 5, 6, 7};
    const int64_t ids[7] = {0, 1, 2, 0, 1, 0, 1};
    const char *config = "{\"method\": \"teacher\", \"features\": {\"hash_bits\": 12}, \"teacher\": {\"dim\": 8, "
                         "\"epochs\": 3, \"batch_size\": 2, \"hard_negatives\": 1, \"warmup_epochs\": 1, "
                         "\"cluster_size\": 2, \"cluster_size_max\": 4, \"min_df\": 1}}";
    int64_t pred[6 * 3], counts[3] = {3, 3, 1}, top[5], id = -1;
    float scores[6 * 3], top_scores[5];
    size_t n = 0, i;
    char *report = NULL;
    lever_metrics_input in;
    lever_model *model = NULL, *wider = NULL, *loaded = NULL;
    int found = 0;

    CHECK(lever_train_memory(config, texts, 6, indptr, ids, NULL, label_texts, 3, NULL, NULL, &model) == LEVER_OK);
    CHECK(lever_model_predict(model, texts, 6, 3, pred, scores) == LEVER_OK);
    memset(&in, 0, sizeof in);
    in.struct_size = sizeof in;
    in.predictions = pred;
    in.n_rows = 6;
    in.width = 3;
    in.truth_indptr = indptr;
    in.truth_labels = ids;
    in.n_labels = 3;
    in.train_counts = counts;
    in.n_train_rows = 6;
    CHECK(lever_metrics_compute(&in, "{\"k\": 3}", &report) == LEVER_OK);
    CHECK(strstr(report, "\"PSP\"") != NULL && strstr(report, "\"P\"") != NULL);
    lever_string_free(report);
    CHECK(lever_model_add_labels(model, added, 2, &wider) == LEVER_OK);
    CHECK(lever_model_num_labels(wider, &n) == LEVER_OK && n == 5);
    CHECK(lever_model_num_labels(model, &n) == LEVER_OK && n == 3);
    CHECK(lever_model_predict(wider, added + 1, 1, 5, top, top_scores) == LEVER_OK);
    for (i = 0; i < 5; i++) found |= top[i] == 4;
    CHECK(found);
    CHECK(lever_model_save(wider, model_path) == LEVER_OK);
    CHECK(lever_model_load(model_path, &loaded) == LEVER_OK);
    CHECK(lever_model_label_id(loaded, "small fish", &id) == LEVER_OK && id == 3);
    lever_model_free(loaded);
    lever_model_free(wider);
    lever_model_free(model);
    return 0;
}

static const struct {
    const char *name;
    int (*run)(void);
} steps[] = {
    {"versions_agree", versions_agree},
    {"train_predict_save", train_predict_save},
    {"arrays_metrics_new_labels", arrays_metrics_new_labels},
};

int main(int argc, char **argv) {
    size_t i;
    if (argc != 2) {
        fprintf(stderr, "usage: %s WORK_DIR\n", argv[0]);
        return 2;
    }
    snprintf(config_path, sizeof config_path, "%s/config.json", argv[1]);
    snprintf(model_path, sizeof model_path, "%s/smoke.lever", argv[1]);
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (steps[i].run() != 0) return 1;
        printf("ok  %s\n", steps[i].name);
    }
    printf("liblever %s: all %zu steps passed\n", lever_version(), i);
    return 0;
}
