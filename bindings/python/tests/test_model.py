"""The pythonic Model API: training, prediction types, save/load, progress and cancellation."""
import json

import numpy as np
import pytest

import lever
import lever.model as lever_model


def test_train_from_dict_and_predict_numpy(tiny_config):
    with lever.Model.train(tiny_config) as m:
        assert m.num_labels == 3
        assert [m.label_text(i) for i in range(3)] == ["cat", "dog", "bird"]
        labels, scores = m.predict(["small cat", "big dog"], k=4)
        assert labels.dtype == np.int64 and scores.dtype == np.float32
        assert labels.shape == scores.shape == (2, 4)
        assert labels[0, 0] == 0 and labels[1, 0] == 1
        assert labels[0, 3] == -1 and scores[0, 3] == 0  # only 3 labels exist
        assert scores[0, 0] >= scores[0, 1]
        one_l, _ = m.predict("small bird", k=1)
        assert one_l.shape == (1, 1) and one_l[0, 0] == 2


def test_train_from_path_resolves_relative_to_the_file(tiny, tiny_config):
    cfg = dict(tiny_config, data={"dir": "."})
    (tiny / "config.json").write_text(json.dumps(cfg))
    with lever.Model.train(tiny / "config.json") as m:
        assert m.num_labels == 3


def test_predict_without_numpy_returns_lists(tiny_config, monkeypatch):
    monkeypatch.setattr(lever_model, "_np", None)
    with lever.Model.train(tiny_config) as m:
        labels, scores = m.predict(["small cat"], k=2)
        assert isinstance(labels, list) and isinstance(labels[0], list)
        assert labels[0][0] == 0 and len(scores[0]) == 2


def test_empty_input_list(tiny_config):
    with lever.Model.train(tiny_config) as m:
        labels, scores = m.predict([], k=3)
        assert labels.shape == (0, 3)


def test_save_load_gives_bit_identical_scores(tiny_config, tmp_path):
    texts = ["small cat", "big dog and a small bird", "cat"]
    with lever.Model.train(tiny_config) as m:
        m.save(tmp_path / "m.lever")
        l1, s1 = m.predict(texts, k=3)
    with lever.Model.load(tmp_path / "m.lever") as loaded:
        l2, s2 = loaded.predict(texts, k=3)
    assert np.array_equal(l1, l2)
    assert s1.tobytes() == s2.tobytes()


def _mapped(path):
    """Whether this process maps `path` (its inode, as /proc/self/maps names it)."""
    with open("/proc/self/maps") as f:
        return any(line.rstrip("\n").endswith(str(path)) for line in f)


def test_load_maps_the_file_until_close_and_outlives_its_replacement(tiny_config, tmp_path):
    texts = ["small cat", "big dog and a small bird"]
    path = tmp_path / "m.lever"
    with lever.Model.train(tiny_config) as m:
        m.save(path)
        (tmp_path / "cut.lever").write_bytes(path.read_bytes()[:-100])
        l1, s1 = m.predict(texts, k=3)
        loaded = lever.Model.load(path)
        assert _mapped(path)
        m.save(path)  # replaced by rename: the mapped old file stays valid
        path.unlink()
        l2, s2 = loaded.predict(texts, k=3)
        assert np.array_equal(l1, l2) and s1.tobytes() == s2.tobytes()
        loaded.close()
        with open("/proc/self/maps") as f:
            assert not any("m.lever" in line for line in f)
    with pytest.raises(lever.CorruptModelError, match="truncated"):
        lever.Model.load(tmp_path / "cut.lever")


def test_progress_is_reported_and_can_cancel(tiny_config):
    seen = []
    lever.Model.train(tiny_config, progress=lambda stage, frac, msg: seen.append((stage, frac))).close()
    stages = {s for s, _ in seen}
    assert {"load-data", "features-fit", "knn-index"} <= stages
    assert all(0 <= f <= 1 for _, f in seen)
    with pytest.raises(lever.CancelledError) as e:
        lever.Model.train(tiny_config, progress=lambda stage, frac, msg: stage != "features-train")
    assert e.value.status == lever.Status.CANCELLED
    assert "features-train" in e.value.message


def test_exception_in_progress_callback_propagates(tiny_config):
    def boom(stage, frac, msg):
        raise KeyError("from the callback")
    with pytest.raises(KeyError, match="from the callback"):
        lever.Model.train(tiny_config, progress=boom)


def test_closed_model_refuses_use(tiny_config):
    m = lever.Model.train(tiny_config)
    m.close()
    m.close()  # closing twice is fine
    with pytest.raises(ValueError, match="closed"):
        m.predict(["cat"])
