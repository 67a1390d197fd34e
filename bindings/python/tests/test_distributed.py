"""Label-sharded training (lever.shards) and its Dask driver (lever.distributed) against single-process
training of the same config: identical predictions, also when a worker is killed during phase 2; a
failed run leaves the output path untouched."""
import json
import os
import pathlib
import subprocess

import pytest

import lever
import lever.shards

distributed = pytest.importorskip("distributed")
np = pytest.importorskip("numpy")
import lever.distributed  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A small synthetic XC set (600 labels, 3,000 rows) and a LEVER config with a linear ranker."""
    exe = os.environ.get("LEVER_CLI", str(ROOT / ".build" / "release" / "lever-cli"))
    d = tmp_path_factory.mktemp("synthetic")
    subprocess.run([exe, "data", "synthetic", "--out", str(d / "data"), "--labels", "600", "--rows", "3000",
                    "--test-rows", "400", "--seed", "3"], check=True, capture_output=True)
    config = {"data": {"dir": "data"}, "method": "lever", "threads": 1, "seed": 3,
              "features": {"hash_bits": 16}, "teacher": {"dim": 32, "epochs": 5}, "student": {"epochs": 2},
              "output": {"dir": "out"}, "distributed": {"shards": 7}}
    (d / "config.json").write_text(json.dumps(config))
    texts = (d / "data" / "tst_X.txt").read_text(encoding="utf-8").split("\n")[:400]
    # OpenBLAS on the config's thread count, as the Dask workers run it: on some CPUs its GEMM sums in
    # an order that depends on its thread count.
    lever.distributed._blas_threads(config["threads"])
    single = lever.Model.train(str(d / "config.json"))
    yield d, texts, single
    single.close()


@pytest.fixture(scope="module")
def client():
    """Three worker processes; a task whose worker dies twice is given up (KilledWorker)."""
    import dask
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as c:
            yield c


def _same_predictions(a, b, texts):
    la, sa = a.predict(texts, k=10)
    lb, sb = b.predict(texts, k=10)
    assert np.array_equal(la, lb)
    assert np.array_equal(sa, sb)


def _killer(key_suffix, marker):
    """A worker plugin that ends its worker's process when a shard task whose key ends with
    `key_suffix` starts executing; only once when `marker` is a path (it is created then)."""
    class Killer(distributed.WorkerPlugin):
        def transition(self, key, start, finish, **kwargs):
            if finish == "executing" and isinstance(key, str) and key.startswith("lever-shard-") \
                    and key.endswith(key_suffix):
                if marker is not None:
                    if os.path.exists(marker):
                        return
                    open(marker, "w").close()
                os._exit(1)
    return Killer()


def test_shards_by_hand_equal_single_process(synthetic, tmp_path):
    d, texts, single = synthetic
    model, n = lever.shards.prepare(d / "config.json", tmp_path / "work")
    assert n == 600
    ranges = lever.shards.label_ranges(n, 4)
    assert ranges[0][0] == 0 and ranges[-1][1] == n and len(ranges) == 4
    for i, (a, b) in reversed(list(enumerate(ranges))):
        lever.shards.solve(tmp_path / "work", a, b, tmp_path / f"s{i}", threads=i % 2)
    with model, lever.shards.merge(model, [tmp_path / f"s{i}" for i in range(4)]) as merged:
        _same_predictions(single, merged, texts)
        assert merged.info["parts"]["student"]["linear_ranker_entries"] > 0
    with pytest.raises(lever.InvalidArgumentError, match="are in no shard"):
        with lever.shards.prepare(d / "config.json", tmp_path / "work2")[0] as m2:
            lever.shards.merge(m2, [tmp_path / "s0"])
    with pytest.raises(lever.InvalidArgumentError, match="first_label|within"):
        lever.shards.solve(tmp_path / "work", 590, 700, tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


def test_dask_training_equals_single_process_with_a_worker_killed(synthetic, client, tmp_path):
    d, texts, single = synthetic
    marker = str(tmp_path / "killed")
    client.register_plugin(_killer("-2", marker), name="lever-test-killer")
    try:
        events = []
        result = lever.distributed.train(d / "config.json", tmp_path / "model.lever", client=client,
                                         progress=lambda s, f, m: events.append((s, f)))
    finally:
        client.unregister_worker_plugin("lever-test-killer")
    assert os.path.exists(marker), "no worker was killed: the test did not exercise a retry"
    out = result.output
    assert result.shards == 7 and set(result.seconds) == {"prepare", "shards", "merge"}
    assert ("shards", 1.0) in events and any(s.endswith("student-lever") for s, _ in events)
    with lever.Model.load(out) as merged:
        _same_predictions(single, merged, texts)
    # The work folder is removed after a run.
    assert not os.path.exists(out + ".work")


def test_failed_shard_leaves_the_output_untouched(synthetic, client, tmp_path):
    d, _, _ = synthetic
    out = tmp_path / "model.lever"
    out.write_text("the previous model")
    client.register_plugin(_killer("-0", None), name="lever-test-killer-always")
    try:
        with pytest.raises(distributed.KilledWorker):
            lever.distributed.train(d / "config.json", out, client=client)
    finally:
        client.unregister_worker_plugin("lever-test-killer-always")
    assert out.read_text() == "the previous model"
    assert not os.path.exists(str(out) + ".work")


def test_cancel_from_progress(synthetic, client, tmp_path):
    d, _, _ = synthetic
    out = tmp_path / "model.lever"
    with pytest.raises(lever.CancelledError):
        lever.distributed.train(d / "config.json", out, client=client,
                                progress=lambda s, f, m: False if s.endswith("teacher") else None)
    assert not out.exists()


def test_label_ranges_merge_to_the_full_prediction(synthetic):
    _, texts, single = synthetic
    full_labels, full_scores = single.predict(texts, k=10)
    parts = [single.predict(texts, k=10, label_range=r) for r in lever.shards.label_ranges(600, 4)]
    assert all(((l == -1) | ((l >= a) & (l < b))).all()
               for (l, _), (a, b) in zip(parts, lever.shards.label_ranges(600, 4)))
    labels, scores = lever.shards.merge_topk(parts, 10)
    assert np.array_equal(np.array(labels), full_labels)
    assert np.array_equal(np.array(scores, dtype=np.float32), full_scores)
    with pytest.raises(lever.InvalidArgumentError, match="label_end"):
        single.predict(texts[:2], k=3, label_range=(500, 601))


@pytest.mark.parametrize("label_shards", [1, 3])
def test_dask_prediction_equals_single_process(synthetic, client, tmp_path, label_shards):
    d, texts, single = synthetic
    single.save(tmp_path / "m.lever")
    (tmp_path / "texts.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    rows = lever.distributed.predict(tmp_path / "m.lever", tmp_path / "texts.txt", tmp_path / "p.txt", k=10,
                                     client=client, partitions=5, label_shards=label_shards)
    assert rows == len(texts)
    lines = (tmp_path / "p.txt").read_text().split("\n")
    assert lines[0] == f"{len(texts)} 600"
    labels, scores = single.predict(texts, k=10)
    for i, line in enumerate(lines[1:1 + len(texts)]):
        pairs = [p.split(":") for p in line.split()]
        assert [int(l) for l, _ in pairs] == [int(l) for l in labels[i] if l >= 0]
        assert np.array_equal(np.array([float(s) for _, s in pairs], dtype=np.float32),
                              scores[i][labels[i] >= 0])
