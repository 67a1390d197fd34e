"""Label-sharded training on Dask (lever.distributed) against single-process training of the same config:
wall time per phase with 1 and 2 workers, peak resident memory per worker, merge time, agreement of the
predictions, and partitioned batch prediction of the test file. Prints figures only.

    .venv/bin/python benchmarks/sharded_training.py DATA_DIR [--workers 1 2] [--out runs/distributed] [--sample 5000]

(Not named distributed.py: the script's folder comes first on sys.path and would shadow Dask's package.)
A single-process model of the same config from an earlier run (out/single.lever with its figures in
out/single.json) is reused; delete them to train it again.

The config is the default (method lever, no compare) with "threads": 2, so phase 1 on one worker runs
exactly as single-process training does; phase 2 gives each shard task 2 / workers engine threads.
Workers are a LocalCluster of processes on this machine (one thread each); peak memory is each
process's maximum resident set (getrusage), the single-process run's that of its own process.
"""
import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python"))
os.environ.setdefault("LEVER_LIBRARY", str(ROOT / "build" / "lib" / "liblever.so"))
import lever  # noqa: E402
import lever.distributed  # noqa: E402


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def train_single(config_path, model_path):
    """Single-process training in a child process: (seconds, peak KiB)."""
    code = ("import json, resource, sys, time, lever\n"
            "t = time.perf_counter()\n"
            f"lever.Model.train({str(config_path)!r}).save({str(model_path)!r})\n"
            "print(json.dumps([time.perf_counter() - t,"
            " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds, peak = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, peak


def agreement(a_path, b_path, texts):
    """Share of texts whose top-100 labels are identical, and the largest score difference."""
    import numpy as np
    with lever.Model.load(a_path) as a, lever.Model.load(b_path) as b:
        la, sa = a.predict(texts, k=100)
        lb, sb = b.predict(texts, k=100)
    same = float(np.mean(np.all(la == lb, axis=1)))
    return same, float(np.max(np.abs(sa - sb)))


def main():
    import distributed
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--out", default=str(ROOT / "runs" / "distributed"))
    p.add_argument("--sample", type=int, default=5000, help="test texts compared between the models")
    args = p.parse_args()
    data = pathlib.Path(args.data).resolve()
    out = pathlib.Path(args.out).resolve() / data.name
    out.mkdir(parents=True, exist_ok=True)
    config = {"data": {"dir": str(data)}, "method": "lever", "compare": False, "threads": 2,
              "output": {"dir": str(out), "model": "single.lever", "predictions": "", "report": "", "chart": ""}}
    config_path = out / "config.json"
    config_path.write_text(json.dumps(config))
    texts_path = data / "tst_X.txt"
    texts = texts_path.read_text(encoding="utf-8").split("\n")[:args.sample]
    with open(data / "Y.txt", "rb") as f:
        n_labels = sum(1 for _ in f)
    with open(data / "trn_X.txt", "rb") as f:
        n_rows = sum(1 for _ in f)
    print(f"{data.name}: {n_labels} labels, {n_rows} training rows, {os.cpu_count()} cores", flush=True)

    single, figures = out / "single.lever", out / "single.json"
    cached = json.loads(figures.read_text()) if figures.exists() and single.exists() else {}
    if cached.get("config") == config:
        seconds, peak = cached["seconds"], cached["peak_kib"]
        print("single process: reusing", single, flush=True)
    else:
        seconds, peak = train_single(config_path, single)
        figures.write_text(json.dumps({"config": config, "seconds": seconds, "peak_kib": peak}))
    print(f"single process: train {seconds:.1f} s, peak {peak / 1024:.0f} MiB, "
          f"model {single.stat().st_size / 2**20:.1f} MiB", flush=True)
    rows = [("single process", f"{seconds:.1f}", "", "", "", f"{peak / 1024:.0f}", "", "")]
    for w in args.workers:
        model = out / f"dist-{w}.lever"
        with distributed.LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None,
                                      memory_limit=0) as cluster, distributed.Client(cluster) as client:
            t = time.perf_counter()
            r = lever.distributed.train(config_path, model, client=client, task_threads=max(1, 2 // w))
            wall = time.perf_counter() - t
            peaks = sorted(client.run(peak_kib).values(), reverse=True)
            t = time.perf_counter()
            n = lever.distributed.predict(model, texts_path, out / f"dist-{w}-predictions.txt", k=100,
                                          client=client, task_threads=max(1, 2 // w))
            predict_s = time.perf_counter() - t
        same, diff = agreement(single, model, texts)
        s = r.seconds
        print(f"{w} worker(s): wall {wall:.1f} s (prepare {s['prepare']:.1f}, shards {s.get('shards', 0):.1f}"
              f" in {r.shards} shards, merge {s['merge']:.1f}); peak per worker "
              f"{', '.join(f'{k / 1024:.0f}' for k in peaks)} MiB; identical top-100 {100 * same:.2f}% of "
              f"{len(texts)} texts, max |score diff| {diff:.2e}; predict {n} texts {predict_s:.1f} s "
              f"({n / predict_s:.0f} texts/s)", flush=True)
        rows.append((f"{w} worker(s)", f"{wall:.1f}", f"{s['prepare']:.1f}", f"{s.get('shards', 0):.1f}",
                     f"{s['merge']:.1f}", " / ".join(f"{k / 1024:.0f}" for k in peaks), f"{100 * same:.2f}",
                     f"{n / predict_s:.0f}"))
    print()
    print("| run | train s | phase 1 s | shards s | merge s | peak MiB per process | identical top-100 % "
          "| predict texts/s |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
