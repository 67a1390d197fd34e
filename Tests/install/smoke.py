"""The installed Python package at work, as a user gets it: run by test_install.sh with the wheel
installed into a fresh venv, from a folder outside the repository. Each step is a function in STEPS;
add steps for new library functions here.

    python smoke.py REPOSITORY_ROOT"""
import json
import os
import pathlib
import sys

import numpy

import lever


def check_installed(repo: pathlib.Path, work: pathlib.Path) -> None:
    """The package and its library come from the venv, not from the repository or LEVER_LIBRARY."""
    package = pathlib.Path(lever.__file__).resolve().parent
    assert repo not in package.parents, f"lever imported from the repository: {package}"
    assert "LEVER_LIBRARY" not in os.environ
    assert (package / "liblever.so").is_file(), f"no bundled liblever.so in {package}"
    assert (package / "py.typed").is_file(), f"no py.typed in {package}"
    assert lever.__version__, "no version"


def write_tiny(d: pathlib.Path) -> dict:
    (d / "Y.txt").write_text("cat\ndog\nbird\n")
    (d / "trn_X.txt").write_text("small cat\nbig dog\nsmall bird\ncat and dog\n")
    (d / "trn_X_Y.txt").write_text("4 3\n0:1\n1:1\n2:1\n0:1 1:1\n")
    return {"data": {"dir": str(d)}, "method": "knn", "knn": {"neighbours": 2}, "features": {"hash_bits": 12}}


def train_predict_save(repo: pathlib.Path, work: pathlib.Path) -> None:
    """Trains from a config dict and from a config file, predicts, saves, loads and predicts again."""
    config = write_tiny(work)
    stages = []
    with lever.Model.train(config, progress=lambda stage, fraction, message: stages.append(stage)) as model:
        assert stages, "no progress reported"
        assert model.num_labels == 3
        labels, scores = model.predict(["small cat", "big dog"], k=numpy.int64(2))
        assert isinstance(labels, numpy.ndarray) and labels.shape == (2, 2), labels
        assert model.label_text(labels[0, 0]) == "cat", [model.label_text(int(l)) for l in labels[0] if l >= 0]
        assert model.label_text(int(labels[1, 0])) == "dog"
        model.save(work / "tiny.lever")
    (work / "config.json").write_text(json.dumps({**config, "data": {"dir": "."}}))
    with lever.Model.train(work / "config.json") as from_file, lever.Model.load(work / "tiny.lever") as loaded:
        a, sa = from_file.predict("small bird", k=3)
        b, sb = loaded.predict("small bird", k=3)
        assert (a == b).all() and (sa == sb).all(), (a, b)
        assert loaded.label_text(b[0, 0]) == "bird"
    try:
        lever.Model.load(work / "config.json")
    except lever.NotAModelError as e:
        assert "config.json" in e.message, e.message
    else:
        raise AssertionError("loading a JSON file as a model did not fail")


TEACHER = {"method": "teacher", "features": {"hash_bits": 12},
           "teacher": {"dim": 8, "epochs": 3, "batch_size": 2, "hard_negatives": 1, "warmup_epochs": 1,
                       "cluster_size": 2, "cluster_size_max": 4, "min_df": 1}}


def lists_metrics_new_labels(repo: pathlib.Path, work: pathlib.Path) -> None:
    """The issue's user story: train from lists, predict, evaluate with lever.metrics, add labels by
    text, save, and load the saved model back."""
    texts = ["small cat", "big dog", "small bird", "cat and dog", "tiny cat", "large dog"]
    labels = [[0], [1], [2], [0, 1], [0], [1]]
    label_texts = ["cat", "dog", "bird"]
    with lever.Model.train(texts, labels, label_texts, config=TEACHER) as model:
        assert model.info["method"] == "teacher" and model.info["training"]["rows"] == len(texts)
        assert model.label_id("dog") == 1 and model.label_id("unicorn") is None
        pred, _ = model.predict(texts, k=3)
        report = lever.metrics.evaluate(labels, pred, k=3, train_counts=labels)
        p1 = lever.metrics.precision_at_k(labels, pred, k=1)
        assert abs(report["overall"]["P"]["1"] - 100 * p1[0]) < 1e-9, (report["overall"]["P"], p1)
        assert 0 <= report["overall"]["PSP"]["3"] <= 100
        with model.add_labels(["small fish", "blue fish"]) as wider:
            assert wider.num_labels == 5 and model.num_labels == 3
            assert wider.label_text(4) == "blue fish"
            top, _ = wider.predict(["blue fish"], k=5)
            assert 4 in list(top[0]), top
            wider.save(work / "wider.lever")
    with lever.Model.load(work / "wider.lever") as loaded:
        assert loaded.num_labels == 5 and loaded.label_id("small fish") == 3


STEPS = [check_installed, train_predict_save, lists_metrics_new_labels]


def main() -> int:
    repo = pathlib.Path(sys.argv[1]).resolve()
    work = pathlib.Path.cwd()
    assert repo not in work.parents and work != repo, f"run this outside the repository (cwd {work})"
    for step in STEPS:
        step(repo, work)
        print(f"ok  {step.__name__}")
    print(f"lever {lever.__version__} from {pathlib.Path(lever.__file__).parent}: all {len(STEPS)} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
