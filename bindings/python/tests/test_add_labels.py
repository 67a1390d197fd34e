"""Model.add_labels: new labels by text on a small teacher model; refusals and argument checks."""
import pytest

import lever


@pytest.fixture
def teacher_config(tiny_config):
    return dict(tiny_config, method="teacher",
                teacher={"dim": 8, "epochs": 3, "batch_size": 2, "hard_negatives": 1, "warmup_epochs": 1,
                         "cluster_size": 2, "cluster_size_max": 4, "min_df": 1})


def test_added_labels_get_next_ids_and_rank_for_their_text(teacher_config, tmp_path):
    with lever.Model.train(teacher_config) as m:
        before, before_scores = m.predict(["small bird", "big dog"], k=3)
        with m.add_labels(["small bird", "fish tank"]) as wider:
            assert wider.num_labels == 5
            assert [wider.label_text(i) for i in range(5)] == ["cat", "dog", "bird", "small bird", "fish tank"]
            labels, scores = wider.predict(["small bird"], k=2)
            assert labels[0, 0] == 3  # the same text: cosine 1
            assert scores[0, 0] == pytest.approx(1.0, abs=1e-3)  # its embedding rounded to half precision
            wider.save(tmp_path / "wider.lever")
            with lever.Model.load(tmp_path / "wider.lever") as loaded:
                assert loaded.num_labels == 5
                a, sa = wider.predict(["small bird", "big dog"], k=5)
                b, sb = loaded.predict(["small bird", "big dog"], k=5)
                assert (a == b).all() and (sa == sb).all()
        # The original is unchanged.
        assert m.num_labels == 3
        after, after_scores = m.predict(["small bird", "big dog"], k=3)
        assert (before == after).all() and (before_scores == after_scores).all()
        with m.add_labels("cat") as one:  # a single str adds one label; a repeated text is allowed
            assert one.num_labels == 4 and one.label_text(3) == "cat"


def test_knn_models_and_bad_texts_are_refused(tiny_config, teacher_config):
    with lever.Model.train(tiny_config) as knn:
        with pytest.raises(lever.InvalidArgumentError, match='"knn"'):
            knn.add_labels(["fish"])
    with lever.Model.train(teacher_config) as m:
        with pytest.raises(lever.InvalidArgumentError, match="n is 0"):
            m.add_labels([])
        with pytest.raises(lever.InvalidArgumentError, match=r"texts\[1\] is empty"):
            m.add_labels(["fish", ""])
        with pytest.raises(ValueError, match=r"texts\[0\] contains a NUL"):
            m.add_labels(["a\x00b"])
        with pytest.raises(TypeError, match=r"texts\[1\] must be str"):
            m.add_labels(["fish", b"bytes"])
        with pytest.raises(TypeError, match="not set"):
            m.add_labels({"fish"})
        with pytest.raises(UnicodeEncodeError):
            m.add_labels(["\udcff"])  # a lone surrogate has no UTF-8 form
        assert m.num_labels == 3
    with pytest.raises(ValueError, match="closed"):
        m.add_labels(["fish"])


def test_threads_add_labels_to_one_shared_model(teacher_config):
    import threading
    with lever.Model.train(teacher_config) as m:
        expected, _ = m.predict(["small cat", "big dog"], k=3)
        errors, sizes = [], []

        def work(i):
            try:
                for j in range(5):
                    with m.add_labels([f"label {i} {j}", "small cat"]) as wider:
                        sizes.append(wider.num_labels)
                        labels, _ = m.predict(["small cat", "big dog"], k=3)
                        assert (labels == expected).all()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sizes == [5] * 20
        assert m.num_labels == 3
