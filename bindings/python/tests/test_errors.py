"""Bad input raises LeverError subclasses whose message names the fault; nothing crashes."""
import os
import subprocess
import sys

import pytest

import lever


def test_config_errors_name_the_key(tiny_config):
    with pytest.raises(lever.ConfigError, match="knn.neighbors"):
        lever.Model.train(dict(tiny_config, knn={"neighbors": 3}))
    with pytest.raises(lever.ConfigError, match="knn.neighbours.*integer"):
        lever.Model.train(dict(tiny_config, knn={"neighbours": "3"}))
    with pytest.raises(TypeError):
        lever.Model.train(42)


def test_data_errors_name_file_and_line(tiny, tiny_config):
    (tiny / "trn_X_Y.txt").write_text("4 3\n0:1\n1:1\n9:1\n0:1\n")
    with pytest.raises(lever.DataError, match=r"trn_X_Y.txt:4: index 9 out of range") as e:
        lever.Model.train(tiny_config)
    assert e.value.status == lever.Status.DATA


def test_missing_and_bad_model_files(tmp_path, tiny_config):
    with pytest.raises(lever.LeverIOError, match="missing.lever"):
        lever.Model.load(tmp_path / "missing.lever")
    (tmp_path / "text.lever").write_text("hello")
    with pytest.raises(lever.NotAModelError):
        lever.Model.load(tmp_path / "text.lever")
    with lever.Model.train(tiny_config) as m:
        m.save(tmp_path / "good.lever")
    data = bytearray((tmp_path / "good.lever").read_bytes())
    data[-5] ^= 0x10
    (tmp_path / "flipped.lever").write_bytes(bytes(data))
    with pytest.raises(lever.CorruptModelError, match="checksum"):
        lever.Model.load(tmp_path / "flipped.lever")
    (tmp_path / "short.lever").write_bytes(bytes(data[:len(data) // 2]))
    with pytest.raises(lever.CorruptModelError):
        lever.Model.load(tmp_path / "short.lever")
    data = bytearray((tmp_path / "good.lever").read_bytes())
    data[8] = 7
    (tmp_path / "v7.lever").write_bytes(bytes(data))
    with pytest.raises(lever.VersionError, match=r"format 7\.\d"):
        lever.Model.load(tmp_path / "v7.lever")


def test_bad_predict_arguments(tiny_config):
    with lever.Model.train(tiny_config) as m:
        with pytest.raises(ValueError):
            m.predict(["cat"], k=0)
        with pytest.raises(TypeError, match=r"texts\[1\]"):
            m.predict(["cat", 3], k=1)
        with pytest.raises(lever.InvalidArgumentError, match="out of range"):
            m.label_text(3)
        with pytest.raises(IndexError):
            m.label_text(-1)
        labels, _ = m.predict(["caf\u00e9 \U0001F408 cat"], k=1)  # non-ASCII is fine
        assert labels[0, 0] == 0


def test_library_discovery_order_and_failure_message(tmp_path, monkeypatch):
    from lever import _ffi
    monkeypatch.setenv("LEVER_LIBRARY", str(tmp_path / "override.so"))
    candidates = list(_ffi._candidates())
    assert candidates[0] == str(tmp_path / "override.so")
    assert candidates[1].endswith(os.path.join("lever", "liblever.so"))
    (tmp_path / "bad.so").write_text("not a library")
    with pytest.raises(ImportError) as e:
        _ffi._load([str(tmp_path / "missing.so"), str(tmp_path / "bad.so")])
    assert "missing.so (missing)" in str(e.value)
    assert "bad.so (" in str(e.value)


def test_override_is_used_when_it_loads(tmp_path):
    from lever import _ffi
    bundled = os.path.join(os.path.dirname(_ffi.__file__), "liblever.so")
    env = dict(os.environ, LEVER_LIBRARY=bundled)
    proc = subprocess.run([sys.executable, "-c", "import lever; print(lever.__version__)"], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == lever.__version__
