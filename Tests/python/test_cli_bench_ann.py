"""`lever bench ann --truth`: the true labels' recall@k of exact and HNSW search over a model's labels."""
import json

from lever_cli import run_lever
from test_cli_bad_input import config, expect_failure, tiny_dataset
from test_cli_labels import TEACHER, read_predictions


def recall(predictions, truth_path):
    """The field's recall@k (lever eval's): each text's share of its labels in its list, averaged."""
    lines = truth_path.read_text().split("\n")[1:]
    truth = [{int(p.split(":")[0]) for p in line.split()} for line in lines[:len(predictions)]]
    return sum(len(t & set(p)) / len(t) for p, t in zip(predictions, truth)) / len(truth)


def test_truth_recall_matches_the_models_own_predictions(tmp_path):
    d = tiny_dataset(tmp_path)
    # Two true labels on the second text, so a top 1 cannot hold them all.
    (d / "tst_X_Y.txt").write_text("2 3\n0:1\n1:1 2:1\n")
    run_lever("train", "--config", config(d, method="teacher", teacher=TEACHER, evaluation={"k": [1]}), "--quiet")
    model = d / "out" / "model.lever"
    for k in (1, 2):
        # A teacher model predicts by exact cosine over its label embeddings: the bench's exact search.
        run_lever("predict", "--model", model, "--input", d / "tst_X.txt", "--k", k, "--out", d / "p.txt")
        expected = recall(read_predictions(d / "p.txt"), d / "tst_X_Y.txt")
        run_lever("bench", "ann", "--model", model, "--queries", d / "tst_X.txt", "--truth", d / "tst_X_Y.txt",
                  "--k", k, "--ef-search", 1, 8, "--json", d / "ann.json")
        report = json.loads((d / "ann.json").read_text())
        assert abs(report["exact_truth_recall"] - expected) < 1e-9
        assert expected <= [3 / 4, 1][k - 1] + 1e-9  # at most k of each text's labels
        for row in report["hnsw"]:
            assert 0 <= row["truth_recall"] <= 1
            if report["exact_truth_recall"] > 0:
                share = row["truth_recall"] / report["exact_truth_recall"]
                assert abs(row["truth_recall_share_of_exact"] - share) < 1e-9
        # With a search list as long as the items, HNSW finds the exact lists on 3 labels.
        assert abs(report["hnsw"][-1]["truth_recall"] - expected) < 1e-9


def test_truth_must_match_the_queries_and_the_labels(tmp_path):
    d = tiny_dataset(tmp_path)
    run_lever("train", "--config", config(d, method="teacher", teacher=TEACHER, evaluation={"k": [1]}), "--quiet")
    model = d / "out" / "model.lever"
    (d / "bad.txt").write_text("3 3\n0:1\n1:1\n2:1\n")
    expect_failure("bench", "ann", "--model", model, "--queries", d / "tst_X.txt", "--truth", d / "bad.txt",
                   fragments=["bad.txt", "the query texts"])
    (d / "wide.txt").write_text("2 4\n0:1\n3:1\n")
    expect_failure("bench", "ann", "--model", model, "--queries", d / "tst_X.txt", "--truth", d / "wide.txt",
                   fragments=["wide.txt", "the model's labels"])
    expect_failure("bench", "ann", "--model", model, "--queries", d / "tst_X.txt", "--truth", d / "tst_X_Y.txt",
                   "--items", d / "trn_X.txt", fragments=["--truth"])
