"""The config schema from Python: defaults, schema, and a check that lists every problem."""
import ctypes
import json

import pytest

import lever
from lever import _ffi


def test_defaults_are_a_valid_config_and_match_the_schema():
    defaults = lever.config_defaults()
    assert defaults["teacher"]["dim"] == 128 and defaults["method"] == "lever"
    assert lever.check_config(defaults) == []
    schema = lever.config_schema()
    keys = [k["key"] for k in schema]
    assert len(keys) == len(set(keys)) > 60
    for k in schema:
        section, _, name = k["key"].rpartition(".")
        value = defaults[section][name] if section else defaults[name]
        assert value == k["default"], k["key"]
        assert len(k["description"]) > 15, k["key"]
    dim = schema[keys.index("teacher.dim")]
    assert (dim["type"], dim["min"], dim["max"]) == ("integer", 2, 4096)
    assert schema[keys.index("method")]["choices"] == ["knn", "teacher", "ova", "lever"]


def test_check_lists_every_problem_with_its_key(tmp_path):
    problems = lever.check_config({"knn": {"neighbours": 0, "power": "x"}, "teacher": {"dim": 1}, "colour": 1})
    assert [p.key for p in problems] == ["colour", "knn.neighbours", "knn.power", "teacher.dim"]
    assert problems[3].message == '"teacher.dim" is 1; expected an integer in 2...4096'
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"features": {"char_ngram_min": 4, "char_ngram_max": 3}}))
    assert [p.key for p in lever.check_config(path)] == ["features.char_ngram_min"]
    assert lever.check_config(str(path))[0].message.startswith('"features.char_ngram_min" (4)')


def test_training_reports_the_same_problems_together(tiny_config):
    with pytest.raises(lever.ConfigError, match=r"2 problems:\n.*knn.neighbours.*\n.*teacher.dim"):
        lever.Model.train(dict(tiny_config, knn={"neighbours": 0}, teacher={"dim": 1}))


def test_unreadable_config_files_are_problems(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"method": "kn\xffn"}')
    assert "UTF-8" in lever.check_config(bad)[0].message
    bad.write_bytes(b'{"method": "knn\x00"}')
    assert "NUL" in lever.check_config(bad)[0].message
    bad.write_bytes(b"{" + b" " * (1 << 20) + b"}")
    assert "1 MiB" in lever.check_config(bad)[0].message
    bad.write_text('{"knn": ')
    [p] = lever.check_config(bad)
    assert p.key == "" and "invalid JSON" in p.message
    with pytest.raises(FileNotFoundError):
        lever.check_config(tmp_path / "missing.json")
    with pytest.raises(TypeError):
        lever.check_config(42)


def test_c_functions_refuse_null_and_bad_utf8():
    out = ctypes.c_void_p()
    calls = [(lambda: _ffi.lib.lever_config_check(None, ctypes.byref(out)), "json is NULL"),
             (lambda: _ffi.lib.lever_config_check(b'{"method": "\xff"}', ctypes.byref(out)), "json is not valid UTF-8"),
             (lambda: _ffi.lib.lever_config_defaults(None), "out is NULL"),
             (lambda: _ffi.lib.lever_config_schema(None), "out is NULL")]
    for call, message in calls:
        assert call() == lever.Status.INVALID_ARG
        assert _ffi.lib.lever_last_error().decode() == message
    assert out.value is None  # left unwritten
    _ffi.lib.lever_string_free(None)
    status, text = _ffi.call_returning_string(_ffi.lib.lever_config_check, b'{"seed": -1}')
    assert status == lever.Status.CONFIG and json.loads(text)[0]["key"] == "seed"
    assert '"seed" is -1' in _ffi.lib.lever_last_error().decode()
