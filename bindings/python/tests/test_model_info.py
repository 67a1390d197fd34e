"""Model.info, Model.label_id, Model.embed and Model.label_embeddings; predict's threads, exclude and
min_score."""
import numpy as np
import pytest
import scipy.sparse

import lever
import lever.model as lever_model

TEXTS = ["small cat", "big dog", "small bird", "cat and dog"]
LABEL_TEXTS = ["cat", "dog", "bird"]
ROWS = [[0], [1], [2], [0, 1]]
TEACHER = {"method": "teacher", "features": {"hash_bits": 12},
           "teacher": {"dim": 8, "epochs": 3, "batch_size": 2, "hard_negatives": 1, "warmup_epochs": 1,
                       "cluster_size": 2, "cluster_size_max": 4, "min_df": 1}}
KNN = {"method": "knn", "knn": {"neighbours": 2}, "features": {"hash_bits": 12}}


@pytest.fixture(scope="module")
def teacher():
    with lever.Model.train(TEXTS, ROWS, LABEL_TEXTS, config=TEACHER) as m:
        yield m


@pytest.fixture(scope="module")
def knn():
    with lever.Model.train(TEXTS, ROWS, LABEL_TEXTS, config=KNN) as m:
        yield m


def test_info(teacher, knn, tmp_path):
    info = teacher.info
    assert info["method"] == "teacher" and info["num_labels"] == 3
    assert info["library_version"] == lever.__version__
    assert info["embedding_dimension"] == 8 and info["feature_dimension"] == 4096
    assert info["parts"]["teacher"]["dim"] == 8 and info["parts"]["features"]["hash_bits"] == 12
    assert info["config"]["teacher"]["epochs"] == 3
    assert info["training"]["rows"] == 4 and info["training"]["train_seconds"] > 0
    assert knn.info["embedding_dimension"] is None and knn.info["parts"]["knn"]["neighbours"] == 2
    teacher.save(tmp_path / "t.lever")
    with lever.Model.load(tmp_path / "t.lever") as loaded:
        assert loaded.info["training"] == info["training"]


def test_label_id(knn):
    assert [knn.label_id(t) for t in LABEL_TEXTS] == [0, 1, 2]
    assert knn.label_id("Cat") is None
    with pytest.raises(ValueError, match="NUL"):
        knn.label_id("c\x00t")
    with pytest.raises(TypeError):
        knn.label_id(3)


def test_embeddings_are_what_the_teacher_scores_with(teacher):
    q = teacher.embed(["small cat", "big dog"])
    assert q.shape == (2, 8) and q.dtype == np.float32
    emb = teacher.label_embeddings()
    assert emb.shape == (3, 8)
    assert np.allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-3)  # unit vectors rounded to half precision
    labels, scores = teacher.predict(["small cat", "big dog"], k=3)
    for i in range(2):
        for j in range(3):
            assert abs(float(q[i] @ emb[labels[i, j]]) - scores[i, j]) < 1e-5
    assert np.array_equal(teacher.label_embeddings([2, 0]), emb[[2, 0]])
    assert teacher.label_embeddings([]).shape == (0, 8)
    assert teacher.embed([]).shape == (0, 8)
    with pytest.raises(lever.InvalidArgumentError, match="outside the model"):
        teacher.label_embeddings([3])
    with pytest.raises(IndexError):
        teacher.label_embeddings([-1])


def test_embeddings_without_numpy(teacher, monkeypatch):
    monkeypatch.setattr(lever_model, "_np", None)
    rows = teacher.embed(["small cat"])
    assert isinstance(rows, list) and len(rows[0]) == 8
    assert len(teacher.label_embeddings([1])[0]) == 8


def test_knn_has_no_embeddings(knn):
    assert knn.embedding_dim == 0
    with pytest.raises(lever.InvalidArgumentError, match="no text encoder"):
        knn.embed(["cat"])
    with pytest.raises(lever.InvalidArgumentError, match="no text encoder"):
        knn.label_embeddings()


def test_predict_options(knn):
    plain, plain_scores = knn.predict(TEXTS, k=3)
    exclude = [[plain[i, 0]] for i in range(4)]
    for ex in [exclude, scipy.sparse.csr_matrix(([1] * 4, ([0, 1, 2, 3], [r[0] for r in exclude])), shape=(4, 3))]:
        labels, _ = knn.predict(TEXTS, k=3, exclude=ex)
        for i in range(4):
            assert exclude[i][0] not in labels[i]
    floor = float(plain_scores[0, 0]) * 0.999
    labels, scores = knn.predict(TEXTS, k=3, min_score=floor)
    assert np.all((labels == -1) | (scores >= floor))
    assert np.all(scores[labels == -1] == 0)
    one = knn.predict(TEXTS * 100, k=np.int64(2), threads=np.int32(1))
    two = knn.predict(TEXTS * 100, k=2, threads=2)
    assert np.array_equal(one[0], two[0]) and one[1].tobytes() == two[1].tobytes()


@pytest.mark.parametrize("kwargs, error, fragment", [
    ({"threads": -1}, ValueError, "threads"),
    ({"threads": 5000}, ValueError, "threads"),
    ({"threads": 1.5}, TypeError, "threads"),
    ({"threads": True}, TypeError, "bool"),
    ({"min_score": float("nan")}, lever.InvalidArgumentError, "score_floor"),
    ({"min_score": "0.5"}, TypeError, "min_score"),
    ({"exclude": [[0]]}, ValueError, "1 rows but there are 2 texts"),
    ({"exclude": [[0], [7]]}, lever.InvalidArgumentError, "options->exclude_ids: row 1: label id 7 is outside 0..<3"),
    ({"exclude": [{0: 1}, []]}, TypeError, "not a mapping"),
    ({"exclude": [["a"], []]}, TypeError, "must be an int"),
])
def test_predict_options_are_checked(knn, kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        knn.predict(["small cat", "big dog"], k=2, **kwargs)


def test_closed_model(teacher):
    with lever.Model.train(TEXTS, ROWS, LABEL_TEXTS, config=KNN) as m:
        pass
    for call in [lambda: m.info, lambda: m.label_id("cat"), lambda: m.embed(["x"]), lambda: m.label_embeddings()]:
        with pytest.raises(ValueError, match="closed"):
            call()
