"""The CLI's "-" for standard input and output, the outputs it refuses to replace, and `lever eval`'s
refusal of a k wider than the predictions (issue 9, item 9)."""
import json
import os
import subprocess

import pytest

from lever_cli import lever_binary, run_lever
from test_cli_bad_input import config, expect_failure, tiny_dataset


def run_with_input(*args, stdin, check=True):
    proc = subprocess.run([lever_binary(), *map(str, args)], input=stdin, capture_output=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"lever {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr.decode()}")
    return proc


@pytest.fixture
def trained(tmp_path):
    d = tiny_dataset(tmp_path)
    run_lever("train", "--config", config(d), "--quiet")
    return d


def test_predict_reads_stdin_and_writes_stdout(trained):
    d = trained
    (d / "in.txt").write_text("small cat\nbig dog\nsmall bird\n")
    run_lever("predict", "--model", d / "out" / "model.lever", "--input", d / "in.txt", "--out", d / "file.txt",
              "--k", 2, "--quiet")
    proc = run_with_input("predict", "--model", d / "out" / "model.lever", "--input", "-", "--out", "-", "--k", 2,
                          "--quiet", stdin=b"small cat\nbig dog\nsmall bird\n")
    assert proc.stdout.decode() == (d / "file.txt").read_text()
    assert proc.stdout.startswith(b"3 3\n0:")
    assert b"predicted 3 texts" in proc.stderr, "the summary must leave stdout to the predictions"
    assert not (d / "-").exists()


def test_predict_names_standard_input_in_errors(trained):
    proc = run_with_input("predict", "--model", trained / "out" / "model.lever", "--input", "-", "--out", "-",
                          stdin=b"fine\nbad \xff byte\n", check=False)
    assert proc.returncode > 0 and proc.stdout == b""
    assert b"standard input:2: invalid UTF-8" in proc.stderr


def test_eval_reads_predictions_from_stdin_and_writes_json_to_stdout(trained):
    d = trained
    from_file = run_lever("eval", "--data", d, "--pred", d / "pred.txt", "--k", 1, 2, "--json", d / "m.json")
    proc = run_with_input("eval", "--data", d, "--pred", "-", "--k", 1, 2, "--json", "-",
                          stdin=(d / "pred.txt").read_bytes())
    assert json.loads(proc.stdout) == json.loads((d / "m.json").read_text())
    assert b"metric (%)" in proc.stderr and "metric (%)" in from_file.stdout
    proc = run_with_input("eval", "--data", d, "--pred", "-", "--k", 1, 2, stdin=(d / "pred.txt").read_bytes())
    assert proc.stdout.decode().replace("standard input", str(d / "pred.txt")) == from_file.stdout


@pytest.mark.parametrize("target", ["/dev/null", "fifo", "link-to-dev-null", "folder"])
def test_outputs_are_never_devices_fifos_or_folders(trained, target):
    d = trained
    (d / "in.txt").write_text("small cat\n")
    if target == "fifo":
        os.mkfifo(d / "fifo")
    elif target == "link-to-dev-null":
        os.symlink("/dev/null", d / target)
    elif target == "folder":
        (d / target).mkdir()
    out = target if target.startswith("/") else d / target
    kind = {"/dev/null": "character device", "fifo": "FIFO", "link-to-dev-null": "character device",
            "folder": "folder"}[target]
    # A FIFO without a reader would block an open(): refused before any open, so this cannot hang.
    expect_failure("predict", "--model", d / "out" / "model.lever", "--input", d / "in.txt", "--out", out, "--quiet",
                   fragments=[str(out) if target != "link-to-dev-null" else "/dev/null", kind])
    expect_failure("eval", "--data", d, "--pred", d / "pred.txt", "--k", 1, "--json", out, fragments=[kind])
    assert not [p.name for p in d.iterdir() if ".lever-tmp-" in p.name], "a temporary file was left behind"


def test_outputs_replace_regular_files_and_symlinked_regular_files(trained):
    d = trained
    (d / "in.txt").write_text("small cat\n")
    (d / "old.txt").write_text("old predictions\n")
    os.symlink("old.txt", d / "link.txt")
    run_lever("predict", "--model", d / "out" / "model.lever", "--input", d / "in.txt", "--out", d / "link.txt",
              "--k", 1, "--quiet")
    assert os.path.islink(d / "link.txt"), "the link must stay a link"
    assert (d / "old.txt").read_text().startswith("1 3\n0:")


def test_eval_refuses_k_beyond_every_rows_width(trained):
    d = trained
    (d / "narrow.txt").write_text("2 3\n0:0.9\n1:0.8 0:0.1\n")  # widths 1 and 2
    proc = expect_failure("eval", "--data", d, "--pred", d / "narrow.txt", "--k", 1, 3,
                          fragments=["narrow.txt", "k = 3", "no row has more than 2 labels", "line 3"])
    assert proc.stdout == ""
    # k up to the widest row is evaluated; the narrower row's missing rank counts as a miss.
    got = run_lever("eval", "--data", d, "--pred", d / "narrow.txt", "--k", 1, 2, "--json", d / "m.json")
    assert "PSP" in got.stdout
    metrics = json.loads((d / "m.json").read_text())["overall"]
    assert metrics["P"]["1"] == pytest.approx(100) and metrics["P"]["2"] == pytest.approx(50)
    (d / "empty.txt").write_text("2 3\n\n\n")
    expect_failure("eval", "--data", d, "--pred", d / "empty.txt", "--k", 1,
                   fragments=["empty.txt", "k = 1", "no row has more than 0 labels"])
