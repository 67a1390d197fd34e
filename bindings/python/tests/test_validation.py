"""Issue 12's Python defects: NUL in texts and paths, int arguments (ctypes wraps them), text
containers, and copies of a Model freeing the live one."""
import copy
import pickle

import numpy as np
import pytest

import lever


@pytest.fixture
def model(tiny_config):
    with lever.Model.train(tiny_config) as m:
        yield m


def test_nul_in_a_text_is_refused_not_cut(model):
    with pytest.raises(ValueError, match=r"texts\[0\] contains a NUL"):
        model.predict(["cat\x00 zebra"], k=1)
    with pytest.raises(ValueError, match="NUL"):
        model.predict("dog\x00", k=1)


def test_nul_in_a_path_is_refused(model, tmp_path, tiny_config):
    target = tmp_path / "m.lever"
    with pytest.raises(ValueError, match="NUL"):
        model.save(str(target) + "\x00.tmp")
    assert not target.exists() and not (tmp_path / "m.lever.tmp").exists()
    with pytest.raises(ValueError, match="NUL"):
        lever.Model.load(str(target) + "\x00junk")
    with pytest.raises(ValueError, match="NUL"):
        lever.Model.train(str(tmp_path / "c.json") + "\x00")


def test_nul_in_a_config_string_is_a_config_error(tiny_config, tmp_path):
    cfg = dict(tiny_config, data={"dir": tiny_config["data"]["dir"] + "\x00/elsewhere"})
    with pytest.raises(lever.ConfigError, match=r"data\.dir.*NUL"):
        lever.Model.train(cfg)


def test_label_index_beyond_size_t_is_not_wrapped(model):
    for bad in (2**64 + 1, 2**64, 2**63):
        with pytest.raises(IndexError, match="out of range"):
            model.label_text(bad)
    with pytest.raises(TypeError):
        model.label_text(True)
    with pytest.raises(TypeError):
        model.label_text(1.0)
    assert model.label_text(np.uint64(1)) == "dog"
    assert model.label_text(np.int32(2)) == "bird"


def test_k_accepts_numpy_ints_and_refuses_bad_values(model):
    labels, _ = model.predict(["small cat"], k=np.int64(2))
    assert labels.shape == (1, 2) and labels[0, 0] == 0
    for bad in (0, -1, np.int64(0)):
        with pytest.raises(ValueError, match="k"):
            model.predict(["cat"], k=bad)
    for bad in (True, 2.0, "2", None):
        with pytest.raises(TypeError, match="k"):
            model.predict(["cat"], k=bad)
    with pytest.raises(ValueError, match="k"):
        model.predict(["cat"], k=2**64 + 5)


def test_texts_must_be_a_sequence_of_str(model):
    for bad in ({"small cat": 1}, {"small cat"}, b"small cat", bytearray(b"cat"), 42, None):
        with pytest.raises(TypeError, match="texts"):
            model.predict(bad, k=1)
    labels, _ = model.predict(("small cat", "big dog"), k=1)
    assert list(labels[:, 0]) == [0, 1]
    labels, _ = model.predict(np.array(["small bird"]), k=1)
    assert labels[0, 0] == 2


def test_a_model_cannot_be_copied_so_a_copy_cannot_free_it(model):
    for fn in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="cannot be"):
            fn(model)
    # The live model still works after the failed copies were dropped.
    import gc
    gc.collect()
    assert model.label_text(0) == "cat"
    assert model.predict(["small cat"], k=1)[0][0, 0] == 0
