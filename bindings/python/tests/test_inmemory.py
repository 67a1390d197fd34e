"""Model.train(texts, labels, label_texts, config=...): in-memory training from lists, dicts and scipy
matrices, the same model as from files, and argument checking."""
import json

import numpy as np
import pytest
import scipy.sparse

import lever

TEXTS = ["small cat", "big dog", "small bird", "cat and dog"]
LABEL_TEXTS = ["cat", "dog", "bird"]
ROWS = [[0], [1], [2], [0, 1]]
CONFIG = {"method": "knn", "knn": {"neighbours": 2}, "features": {"hash_bits": 12}}
QUERIES = ["small cat", "a big dog", "bird and cat", "nothing"]


def predictions(model):
    labels, scores = model.predict(QUERIES, k=3)
    return labels, scores


def test_lists_dicts_and_scipy_give_the_model_files_give(tiny_config):
    with lever.Model.train(tiny_config) as from_files:
        want_l, want_s = predictions(from_files)
    matrix = scipy.sparse.csr_matrix(([1.0] * 5, ([0, 1, 2, 3, 3], [0, 1, 2, 0, 1])), shape=(4, 3))
    dicts = [{label: 1.0 for label in row} for row in ROWS]
    for labels in [ROWS, dicts, matrix, matrix.tocoo(), [np.array(r, dtype=np.int32) for r in ROWS]]:
        for config in [CONFIG, json.dumps(CONFIG)]:
            with lever.Model.train(TEXTS, labels, LABEL_TEXTS, config=config) as m:
                got_l, got_s = predictions(m)
                assert np.array_equal(got_l, want_l)
                assert got_s.tobytes() == want_s.tobytes()
                assert m.info["training"]["rows"] == 4


def test_values_and_default_config():
    with lever.Model.train(TEXTS, [{0: 0.5}, {1: 2}, {2: 1}, {0: 1, 1: np.float32(3)}], LABEL_TEXTS) as m:
        assert m.num_labels == 3
        assert m.info["method"] == "lever"  # the default config's method
        assert m.predict("small bird", k=1)[0][0, 0] == 2


def test_progress_and_cancel():
    seen = []
    lever.Model.train(TEXTS, ROWS, LABEL_TEXTS, config=CONFIG, progress=lambda *a: seen.append(a)).close()
    assert seen
    with pytest.raises(lever.CancelledError):
        lever.Model.train(TEXTS, ROWS, LABEL_TEXTS, config=CONFIG, progress=lambda *a: False)


def test_file_training_keeps_working(tiny_config):
    with lever.Model.train(tiny_config) as a, lever.Model.train_files(tiny_config) as b:
        assert np.array_equal(predictions(a)[0], predictions(b)[0])
    with lever.Model.train(tiny_config, lambda *a: True) as c:  # older positional progress
        assert c.num_labels == 3
    with pytest.raises(TypeError, match="config first"):
        lever.Model.train(tiny_config, config=CONFIG)


@pytest.mark.parametrize("labels, error, fragment", [
    ([[0], [1], [2], [0, 3]], lever.InvalidArgumentError, "labels: row 3: label id 3 is outside 0..<3"),
    ([[0], [1], [-1], []], lever.InvalidArgumentError, "row 2: label id -1"),
    ([[0], [1], [2], [1, 1]], lever.InvalidArgumentError, "row 3: label id 1 appears twice"),
    ([{0: 1}, {1: 0}, {}, {}], lever.InvalidArgumentError, "row 1: label id 1 has value 0"),
    ([{0: 1}, {1: float("nan")}, {}, {}], lever.InvalidArgumentError, "finite and > 0"),
    ([[0], [1], [2]], ValueError, "3 rows but there are 4 texts"),
    ([[0], [1], [2], [True]], TypeError, "not bool"),
    ([[0], [1], [2], [1.5]], TypeError, "must be an int"),
    ([[0], [1], [2], [1 << 64]], ValueError, "64 bits"),
    ([[0], [1], [2], "ab"], TypeError, r"labels\[3\]"),
    ([{0: 1}, {1: "x"}, {}, {}], TypeError, "must be a number"),
    ({0: [1]}, TypeError, "labels must be"),
    (np.zeros((4, 3)), TypeError, "labels must be"),
    (scipy.sparse.csr_matrix((4, 2)), ValueError, "4 x 2 matrix; expected 4 x 3"),
])
def test_bad_labels_name_the_row(labels, error, fragment):
    with pytest.raises(error, match=fragment):
        lever.Model.train(TEXTS, labels, LABEL_TEXTS, config=CONFIG)


def test_bad_texts_and_config():
    with pytest.raises(ValueError, match=r"texts\[1\] contains a NUL"):
        lever.Model.train(["a", "b\x00c", "d", "e"], ROWS, LABEL_TEXTS, config=CONFIG)
    with pytest.raises(ValueError, match=r"label_texts\[2\] contains a NUL"):
        lever.Model.train(TEXTS, ROWS, ["cat", "dog", "\x00"], config=CONFIG)
    with pytest.raises(TypeError, match=r"texts\[0\] must be str"):
        lever.Model.train([b"x", "b", "c", "d"], ROWS, LABEL_TEXTS, config=CONFIG)
    with pytest.raises(lever.InvalidArgumentError, match="n_rows is 0"):
        lever.Model.train([], [], LABEL_TEXTS, config=CONFIG)
    with pytest.raises(lever.InvalidArgumentError, match="n_labels is 0"):
        lever.Model.train(TEXTS, [[], [], [], []], [], config=CONFIG)
    with pytest.raises(lever.ConfigError, match='"data" is not allowed'):
        lever.Model.train(TEXTS, ROWS, LABEL_TEXTS, config=dict(CONFIG, data={"dir": "."}))
    with pytest.raises(lever.ConfigError, match="knn.neighbors"):
        lever.Model.train(TEXTS, ROWS, LABEL_TEXTS, config={"knn": {"neighbors": 2}})
    with pytest.raises(TypeError, match="config must be"):
        lever.Model.train(TEXTS, ROWS, LABEL_TEXTS, config=3)
    with pytest.raises(TypeError, match="needs texts, labels and label_texts"):
        lever.Model.train(TEXTS, ROWS)
