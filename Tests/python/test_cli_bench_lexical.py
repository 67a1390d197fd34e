"""`lever bench lexical`: the lexical source's leave-one-out query rate over a training split."""
import json

from lever_cli import run_lever
from test_cli_bad_input import config, expect_failure, tiny_dataset


def test_reports_each_repeat_over_at_most_the_training_rows(tmp_path):
    d = tiny_dataset(tmp_path)
    run_lever("bench", "lexical", "--config", config(d), "--sample", 10, "--repeats", 2, "--json", d / "lex.json")
    report = json.loads((d / "lex.json").read_text())
    assert report["train_rows"] == 3
    assert report["queries"] == 3  # the sample is cut to the training rows
    assert report["threads"] >= 1
    assert report["sorted_postings"] is False  # few rows: the array over the rows
    assert len(report["queries_per_second"]) == 2
    assert all(r > 0 for r in report["queries_per_second"])
    assert report["build_seconds"] >= 0
    proc = run_lever("bench", "lexical", "--config", config(d), "--sample", 2, "--repeats", 1)
    assert "3 training rows, 2 leave-one-out queries" in proc.stdout


def test_bad_arguments_fail_with_the_argument_or_file_named(tmp_path):
    d = tiny_dataset(tmp_path)
    expect_failure("bench", "lexical", "--config", config(d), "--sample", 0, fragments=["--sample"])
    expect_failure("bench", "lexical", "--config", d / "missing.json", fragments=["missing.json"])
    (d / "trn_X_Y.txt").write_text("2 3\n0:1\n1:1\n")
    expect_failure("bench", "lexical", "--config", config(d), fragments=["trn_X"])
