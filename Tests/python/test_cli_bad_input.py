"""Bad input through the command-line tool: a non-zero exit and a message that names the fault,
never a crash (a signal shows up as a negative return code)."""
import json

import pytest

from lever_cli import run_lever


def expect_failure(*args, fragments):
    proc = run_lever(*args, check=False)
    assert proc.returncode > 0, f"expected a clean failure, got {proc.returncode}: {proc.stderr}"
    for f in fragments:
        assert str(f) in proc.stderr, f"{f!r} not in: {proc.stderr}"
    return proc


def tiny_dataset(d):
    (d / "Y.txt").write_text("cat\ndog\nbird\n")
    (d / "trn_X.txt").write_text("small cat\nbig dog\nsmall bird\n")
    (d / "trn_X_Y.txt").write_text("3 3\n0:1\n1:1\n2:1\n")
    (d / "tst_X.txt").write_text("a cat\na dog\n")
    (d / "tst_X_Y.txt").write_text("2 3\n0:1\n1:1\n")
    (d / "pred.txt").write_text("2 3\n0:0.9\n1:0.8 0:0.1\n")
    return d


def config(d, **sections):
    cfg = {"data": {"dir": str(d)}, "method": "knn", "output": {"dir": str(d / "out")}}
    cfg.update(sections)
    p = d / "config.json"
    p.write_text(json.dumps(cfg))
    return p


def test_tiny_dataset_trains_and_evaluates(tmp_path):
    d = tiny_dataset(tmp_path)
    proc = run_lever("train", "--config", config(d), "--quiet")
    assert "P " in proc.stdout
    assert (d / "out" / "model.lever").exists()
    run_lever("eval", "--data", d, "--pred", d / "pred.txt", "--k", 1, 2)


def test_every_method_runs_end_to_end(tmp_path):
    d = tiny_dataset(tmp_path)
    for method in ["knn", "teacher", "ova", "lever"]:
        cfg = config(d, method=method, compare=(method == "lever"),
                     teacher={"dim": 8, "epochs": 3, "min_df": 1}, student={"epochs": 2})
        proc = run_lever("train", "--config", cfg, "--quiet")
        assert "P " in proc.stdout, method
    assert "student with LEVER" in proc.stdout
    assert (d / "out" / "psp_by_band.svg").read_text().startswith("<svg")


@pytest.mark.parametrize("name,content,fragments", [
    ("trn_X_Y.txt", "x 3\n0:1\n1:1\n2:1\n", ["trn_X_Y.txt:1", "bad header"]),
    ("trn_X_Y.txt", "4 3\n0:1\n1:1\n2:1\n0:1\n", ["trn_X_Y.txt:1", "4 rows", "trn_X.txt"]),
    ("trn_X_Y.txt", "3 3\n0:1\n7:1\n2:1\n", ["trn_X_Y.txt:3", "index 7 out of range"]),
    ("trn_X_Y.txt", "3 3\n0:1\n1:-1\n2:1\n", ["trn_X_Y.txt:3", "negative"]),
    ("trn_X_Y.txt", "3 3\n0:1\n1:nan\n2:1\n", ["trn_X_Y.txt:3", "non-finite"]),
    ("trn_X_Y.txt", "3 3\n0:1\n1:inf\n2:1\n", ["trn_X_Y.txt:3", "non-finite"]),
    ("trn_X_Y.txt", "3 3\n0:1\n1\n2:1\n", ["trn_X_Y.txt:3", "malformed pair"]),
    ("trn_X.txt", b"small cat\nbig \xff dog\nsmall bird\n", ["trn_X.txt:2", "invalid UTF-8"]),
    ("Y.txt", None, ["Y.txt", "not found"]),
])
def test_malformed_data_files(tmp_path, name, content, fragments):
    d = tiny_dataset(tmp_path)
    if content is None:
        (d / name).unlink()
    elif isinstance(content, bytes):
        (d / name).write_bytes(content)
    else:
        (d / name).write_text(content)
    expect_failure("train", "--config", config(d), "--quiet", fragments=fragments)


@pytest.mark.parametrize("pred,fragments", [
    ("3 3\n0:1\n1:1\n", ["pred.txt:1", "3 rows", "tst_X.txt"]),
    ("2 3\n0:1\n1:x\n", ["pred.txt:3", "malformed"]),
    ("2 5\n0:1\n1:1\n", ["pred.txt:1", "5 columns", "Y.txt"]),
])
def test_malformed_prediction_files(tmp_path, pred, fragments):
    d = tiny_dataset(tmp_path)
    (d / "pred.txt").write_text(pred)
    expect_failure("eval", "--data", d, "--pred", d / "pred.txt", fragments=fragments)


@pytest.mark.parametrize("text,fragments", [
    ('{"knn": {"neighbors": 3}}', ["unknown key", "knn.neighbors"]),
    ('{"knn": {"neighbours": "3"}}', ["knn.neighbours", "must be an integer"]),
    ('{"method": "magic"}', ["method", "magic"]),
    ('{"evaluation": {"k": [0]}}', ["evaluation.k[0]"]),
    ('{"knn": {', ["config.json:1:", "invalid JSON"]),
    ('[]', ["must be a JSON object"]),
])
def test_bad_configs(tmp_path, text, fragments):
    p = tmp_path / "config.json"
    p.write_text(text)
    expect_failure("train", "--config", p, fragments=fragments)


def test_missing_config_and_model(tmp_path):
    expect_failure("train", "--config", tmp_path / "none.json", fragments=["none.json"])
    (tmp_path / "in.txt").write_text("a cat\n")
    expect_failure("predict", "--model", tmp_path / "none.lever", "--input", tmp_path / "in.txt", "--out", tmp_path / "o.txt",
                   fragments=["none.lever", "not found"])
    (tmp_path / "bogus.lever").write_text("not a model")
    expect_failure("predict", "--model", tmp_path / "bogus.lever", "--input", tmp_path / "in.txt", "--out", tmp_path / "o.txt",
                   fragments=["not a Lever model"])


def test_predict_rejects_bad_k(tmp_path):
    expect_failure("predict", "--model", "m", "--input", "i", "--out", "o", "--k", "0", fragments=["--k"])


def test_predict_with_saved_model(tmp_path):
    d = tiny_dataset(tmp_path)
    run_lever("train", "--config", config(d), "--quiet")
    (d / "in.txt").write_text("small cat\nbig dog\n")
    run_lever("predict", "--model", d / "out" / "model.lever", "--input", d / "in.txt", "--k", 2, "--out", d / "o.txt", "--quiet")
    lines = (d / "o.txt").read_text().split("\n")
    assert lines[0] == "2 3"
    assert lines[1].startswith("0:") and lines[2].startswith("1:")
