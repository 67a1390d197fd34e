"""`lever labels add`: a new model file with labels appended by text; the input model stays as it was."""
from lever_cli import run_lever
from test_cli_bad_input import config, expect_failure, tiny_dataset

TEACHER = {"dim": 8, "epochs": 2, "batch_size": 2, "hard_negatives": 1, "warmup_epochs": 1, "cluster_size": 2,
           "cluster_size_max": 4, "min_df": 1}


def read_predictions(path):
    lines = path.read_text().split("\n")
    return [[int(pair.split(":")[0]) for pair in line.split()] for line in lines[1:int(lines[0].split()[0]) + 1]]


def test_labels_add_writes_a_wider_model(tmp_path):
    d = tiny_dataset(tmp_path)
    run_lever("train", "--config", config(d, method="teacher", teacher=TEACHER, evaluation={"k": [1]}), "--quiet")
    model = d / "out" / "model.lever"
    before = model.read_bytes()
    (d / "new.txt").write_text("small bird\nfish tank\n")
    proc = run_lever("labels", "add", "--model", model, "--labels", d / "new.txt", "--out", d / "wider.lever")
    assert "added 2 labels (ids 3...4)" in proc.stdout
    assert model.read_bytes() == before
    (d / "q.txt").write_text("small bird\n")
    run_lever("predict", "--model", d / "wider.lever", "--input", d / "q.txt", "--k", "5", "--out", d / "p.txt")
    assert (d / "p.txt").read_text().startswith("1 5\n")
    assert read_predictions(d / "p.txt")[0][0] == 3  # the label whose text is the input's


def test_labels_add_refuses_knn_models_and_empty_texts(tmp_path):
    d = tiny_dataset(tmp_path)
    run_lever("train", "--config", config(d), "--quiet")
    (d / "new.txt").write_text("fish\n")
    expect_failure("labels", "add", "--model", d / "out" / "model.lever", "--labels", d / "new.txt",
                   "--out", d / "wider.lever", fragments=['"knn"'])
    assert not (d / "wider.lever").exists()
    run_lever("train", "--config", config(d, method="teacher", teacher=TEACHER), "--quiet")
    (d / "new.txt").write_text("fish\n\n")
    expect_failure("labels", "add", "--model", d / "out" / "model.lever", "--labels", d / "new.txt",
                   "--out", d / "wider.lever", fragments=["new.txt:2: the label text is empty"])
    expect_failure("labels", "add", "--model", d / "out" / "model.lever", "--labels", d / "missing.txt",
                   "--out", d / "wider.lever", fragments=["missing.txt"])
    assert not (d / "wider.lever").exists()
