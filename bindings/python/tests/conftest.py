"""Fixtures for the binding tests: a tiny dataset written per test, and the real WordNet dataset
(built once with the repository's CLI) with a kNN model trained on it."""
import json
import os
import pathlib
import subprocess

import pytest

import lever

ROOT = pathlib.Path(__file__).resolve().parents[3]


def write_tiny(d):
    d = pathlib.Path(d)
    (d / "Y.txt").write_text("cat\ndog\nbird\n")
    (d / "trn_X.txt").write_text("small cat\nbig dog\nsmall bird\ncat and dog\n")
    (d / "trn_X_Y.txt").write_text("4 3\n0:1\n1:1\n2:1\n0:1 1:1\n")
    return d


@pytest.fixture
def tiny(tmp_path):
    return write_tiny(tmp_path)


@pytest.fixture
def tiny_config(tiny):
    return {"data": {"dir": str(tiny)}, "method": "knn", "knn": {"neighbours": 2}, "features": {"hash_bits": 12}}


@pytest.fixture(scope="session")
def wordnet_model(tmp_path_factory):
    exe = os.environ.get("LEVER_CLI", str(ROOT / ".build" / "release" / "lever-cli"))
    d = tmp_path_factory.mktemp("wordnet")
    subprocess.run([exe, "data", "wordnet", "--out", str(d)], check=True, capture_output=True)
    model = lever.Model.train({"data": {"dir": str(d)}, "method": "knn"})
    texts = (d / "tst_X.txt").read_text(encoding="utf-8").split("\n")[:2000]
    yield model, texts, d
    model.close()
