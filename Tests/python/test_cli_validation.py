"""Issue 12's input-validation defects through the command-line tool: each must end in a clean
failure (positive exit code, a message naming the fault) or a correct result, never a signal."""
import json
import resource

import pytest

from lever_cli import lever_binary, run_lever
from test_cli_bad_input import config, expect_failure, tiny_dataset

import subprocess


def test_nul_in_a_label_name_is_refused_at_read_time(tmp_path):
    d = tiny_dataset(tmp_path)
    (d / "Y.txt").write_bytes(b"cat\ndo\x00g\nbird\n")
    expect_failure("train", "--config", config(d), "--quiet", fragments=["Y.txt:2", "NUL"])
    assert not (d / "out" / "model.lever").exists()


def test_nul_in_a_config_path_is_refused(tmp_path):
    d = tiny_dataset(tmp_path)
    p = config(d)
    cfg = json.loads(p.read_text())
    cfg["output"]["model"] = "model.lever\u0000.tmp"
    p.write_text(json.dumps(cfg))
    expect_failure("train", "--config", p, "--quiet", fragments=["output.model", "NUL"])
    assert not (d / "out").exists()


@pytest.mark.parametrize("rows", ["1000000000000", "9223372036854775807"])
def test_eval_refuses_huge_header_counts(tmp_path, rows):
    d = tiny_dataset(tmp_path)
    (d / "trn_X_Y.txt").write_text(f"{rows} 3\n0:1\n1:1\n2:1\n")
    expect_failure("eval", "--data", d, "--pred", d / "pred.txt", fragments=["trn_X_Y.txt:1", rows, "bytes"])


@pytest.mark.parametrize("k", ["1000000000", "9223372036854775807"])
def test_eval_with_a_huge_k(tmp_path, k):
    # Refused cleanly: no prediction row is that wide (issue 9: missing ranks are not counted as misses).
    d = tiny_dataset(tmp_path)
    expect_failure("eval", "--data", d, "--pred", d / "pred.txt", "--k", "1", k,
                   fragments=["pred.txt", f"k = {k}", "no row has more than 2 labels"])


@pytest.mark.parametrize("args,fragment", [
    (["--k", "-1"], "--k must be at least 1 (got -1)"),
    (["--k", "1", "-3"], "--k must be at least 1 (got -3)"),
    (["--propensity-a", "nan"], "--propensity-a must be a finite number"),
    (["--propensity-a", "inf"], "--propensity-a must be a finite number"),
    (["--propensity-a", "-inf"], "--propensity-a must be a finite number"),
    (["--propensity-b", "-1"], "--propensity-b must be a finite number"),
])
def test_eval_names_bad_numbers(tmp_path, args, fragment):
    d = tiny_dataset(tmp_path)
    expect_failure("eval", "--data", d, "--pred", d / "pred.txt", *args, fragments=[fragment])


def test_predict_names_a_negative_k(tmp_path):
    expect_failure("predict", "--model", "m", "--input", "i", "--out", "o", "--k", "-1",
                   fragments=["--k must be at least 1 (got -1)"])


def test_eval_psp_with_b_zero_and_an_unseen_label(tmp_path):
    d = tiny_dataset(tmp_path)
    (d / "trn_X_Y.txt").write_text("3 3\n0:1\n1:1\n\n")  # label 2 has no training row
    (d / "tst_X_Y.txt").write_text("2 3\n2:1\n1:1\n")
    (d / "pred.txt").write_text("2 3\n2:0.9\n1:0.8\n")
    out = tmp_path / "m.json"
    run_lever("eval", "--data", d, "--pred", d / "pred.txt", "--k", "1", "--propensity-b", "0", "--json", out)
    assert json.loads(out.read_text())["overall"]["PSP"]["1"] == pytest.approx(100)


def _limit_address_space():
    limit = 8 << 30  # the original allocated 2 x 65,536^2 floats (32 GiB) whatever the data
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_teacher_batch_size_is_clamped_to_the_data(tmp_path):
    d = tiny_dataset(tmp_path)
    cfg = config(d, method="teacher", teacher={"dim": 8, "epochs": 2, "min_df": 1, "batch_size": 65536})
    proc = subprocess.run([lever_binary(), "train", "--config", str(cfg), "--quiet"], capture_output=True, text=True,
                          preexec_fn=_limit_address_space)
    assert proc.returncode == 0, f"{proc.returncode}: {proc.stderr}"


def test_config_with_a_byte_order_mark_is_accepted(tmp_path):
    d = tiny_dataset(tmp_path)
    p = config(d)
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    run_lever("train", "--config", p, "--quiet")


def test_non_utf8_config_is_a_config_error(tmp_path):
    p = tmp_path / "c.json"
    p.write_bytes(b'{"data": {"dir": "caf\xe9"}}')
    proc = expect_failure("config", "--check", p, fragments=["c.json", "UTF-8"])
    assert proc.returncode == 4  # LEVER_ERR_CONFIG


@pytest.mark.parametrize("text,fragments", [
    ('{"seed": 100000000000000000000000000000}', ['"seed"', "64-bit"]),
    ("{'seed': 3}", ["single-quoted"]),
    ('{"evaluation": {"propensity_a": NaN}}', ['"evaluation.propensity_a"', "NaN"]),
    ('{"seed": 1, "seed": "x"}', ['"seed"', "duplicate key"]),
])
def test_lenient_json_is_refused(tmp_path, text, fragments):
    p = tmp_path / "c.json"
    p.write_text(text)
    expect_failure("config", "--check", p, fragments=fragments)


def test_no_raw_nul_in_messages(tmp_path):
    d = tiny_dataset(tmp_path)
    (d / "pred.txt").write_bytes(b"2 3\n0:1\x00\n1:1\n")
    proc = subprocess.run([lever_binary(), "eval", "--data", str(d), "--pred", str(d / "pred.txt")], capture_output=True)
    assert proc.returncode > 0
    assert b"\x00" not in proc.stderr and b"pred.txt:2" in proc.stderr


def test_symlink_loop_is_not_file_not_found(tmp_path):
    d = tiny_dataset(tmp_path)
    (d / "Y.txt").unlink()
    (d / "Y.txt").symlink_to(d / "Y.txt")
    expect_failure("train", "--config", config(d), "--quiet", fragments=["Y.txt", "symbolic links"])
