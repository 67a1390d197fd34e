"""Lever at growing label counts: train time per stage, peak resident memory, model size, batch
throughput at k = 100, single-text latency (p50 / p99, one thread) — one row per dataset.

    .venv/bin/python benchmarks/scale.py DATA_DIR [DATA_DIR ...] [--teacher-epochs N] [--out runs/scale]

Each DATA_DIR is a dataset in the repository layout (`lever data wordnet`, `lever data synthetic`).
Training is `bin/lever train` with the default config (method lever, no compare) plus the overrides
given; peak memory is the training process's maximum resident set (/usr/bin/time's %M); the
seconds per stage are the progress stages of its log (runs/scale/<dataset>/train.log).
Searches over fewer than `ann.min_items` vectors (1,000,000 by default) score every vector exactly, so
the search column reads "exact" for such sets and "hnsw" for larger ones. Either way the ANN columns give,
from `lever bench ann --truth` on the first --ann-sample test texts (a graph over the model's labels
with the config's m and ef_search): HNSW's recall@100 of exact search's lists, and its recall@100 of the
texts' true labels (as `lever eval` computes it) as a share of exact search's.
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python"))
os.environ.setdefault("LEVER_LIBRARY", str(ROOT / "build" / "lib" / "liblever.so"))
import lever  # noqa: E402

CLI = str(ROOT / ".build" / "release" / "lever-cli")


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def train(data, out, teacher_epochs):
    config = {"data": {"dir": str(data.resolve())}, "method": "lever", "compare": False,
              "output": {"dir": str(out.resolve()), "predictions": "", "report": "", "chart": ""}}
    if teacher_epochs is not None:
        config["teacher"] = {"epochs": teacher_epochs}
    out.mkdir(parents=True, exist_ok=True)
    path = out / "config.json"
    path.write_text(json.dumps(config))
    peak_file = out / "peak_kib.txt"
    t0 = time.perf_counter()
    log = out / "train.log"
    with open(log, "w") as f:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(peak_file), CLI, "train", "--config", str(path)],
                       check=True, stdout=f, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    return wall, int(peak_file.read_text().split()[-1]) / 1024, out / "model.lever", finished_stages(log)


def seconds(text):
    """'2m38s', '13.3s', '1h2m5s' -> seconds."""
    total = 0.0
    for value, unit in re.findall(r"([0-9.]+)([hms])", text):
        total += float(value) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def finished_stages(log):
    """Every progress stage of the training log with its duration ("<stage> 100% done in 1m2s")."""
    stages = {}
    for line in log.read_text().splitlines():
        m = re.search(r"\] (\S+) 100% done in (\S+)", line)
        if m:
            stages[m.group(1)] = stages.get(m.group(1), 0.0) + seconds(m.group(2))
    return stages


def batch_throughput(model, texts_path, out):
    t0 = time.perf_counter()
    subprocess.run([CLI, "predict", "--model", str(model), "--input", str(texts_path), "--k", "100",
                    "--out", str(out / "predictions.txt"), "--quiet"], check=True, stdout=subprocess.DEVNULL)
    return count_lines(texts_path) / (time.perf_counter() - t0)


def latency(model, texts, repeats=1000):
    with lever.Model.load(model) as m:
        m.predict(texts[:10], k=10, threads=1)  # warm the pages
        times = []
        for i in range(min(repeats, len(texts))):
            t0 = time.perf_counter()
            m.predict(texts[i], k=10, threads=1)
            times.append(1000 * (time.perf_counter() - t0))
        info = m.info
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))], info


def ann_recall(model, data, out, sample):
    """HNSW against exact search over the model's labels: (recall@100 of exact's lists, recall@100 of the
    true labels as a share of exact's), at the model's ann settings; (None, None) when not measured."""
    if sample <= 0:
        return None, None
    with lever.Model.load(model) as m:
        ann = m.info["config"]["ann"]
    subprocess.run([CLI, "bench", "ann", "--model", str(model), "--queries", str(data / "tst_X.txt"),
                    "--truth", str(data / "tst_X_Y.txt"), "--sample", str(sample), "--k", "100",
                    "--m", str(ann["m"]), "--ef-construction", str(ann["ef_construction"]),
                    "--ef-search", str(ann["ef_search"]), "--json", str(out / "ann.json")],
                   check=True, stdout=subprocess.DEVNULL)
    row = json.loads((out / "ann.json").read_text())["hnsw"][0]
    return row["recall"], row["truth_recall_share_of_exact"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="+", type=pathlib.Path)
    ap.add_argument("--teacher-epochs", type=int, default=None, help="override teacher.epochs (default: the config's)")
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "runs" / "scale")
    ap.add_argument("--ann-sample", type=int, default=1000,
                    help="test texts for the HNSW-vs-exact measurement (0: skip it; it builds a graph)")
    args = ap.parse_args()
    print("OpenBLAS kernel: the CLI picks it (see README); Python loads with the same choice.")
    rows = []
    for data in args.data:
        name = data.name
        out = args.out / name
        labels, train_rows = count_lines(data / "Y.txt"), count_lines(data / "trn_X.txt")
        print(f"== {name}: {labels} labels, {train_rows} training rows", flush=True)
        wall, peak, model, stages = train(data, out, args.teacher_epochs)
        qps = batch_throughput(model, data / "tst_X.txt", out)
        texts = [t for t in (data / "tst_X.txt").read_text(encoding="utf-8").split("\n") if t]
        p50, p99, info = latency(model, texts)
        overlap, truth_share = ann_recall(model, data, out, args.ann_sample)
        row = {"dataset": name, "labels": labels, "train_rows": train_rows, "train_s": wall, "peak_mib": peak,
               "model_mib": model.stat().st_size / 2**20, "batch_qps_k100": qps, "p50_ms": p50, "p99_ms": p99,
               "stages": stages, "search": "exact" if max(labels, train_rows) < 1_000_000 else "hnsw",
               "ann_recall_of_exact": overlap, "ann_truth_share_of_exact": truth_share}
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print(f"{'dataset':<18}{'labels':>9}{'rows':>10}{'train s':>9}{'peak MiB':>10}{'model MiB':>11}"
          f"{'q/s k=100':>11}{'p50 ms':>8}{'p99 ms':>8}  search  ANN R@100 vs exact, true labels vs exact's")
    for r in rows:
        print(f"{r['dataset']:<18}{r['labels']:>9}{r['train_rows']:>10}{r['train_s']:>9.1f}{r['peak_mib']:>10.0f}"
              f"{r['model_mib']:>11.1f}{r['batch_qps_k100']:>11.0f}{r['p50_ms']:>8.2f}{r['p99_ms']:>8.2f}  "
              f"{r['search']:<8}" + ("-" if r["ann_recall_of_exact"] is None else
                                     f"{r['ann_recall_of_exact']:.3f}, {r['ann_truth_share_of_exact']:.3f}"))
    print()
    print("train seconds per stage:")
    for r in rows:
        print(f"  {r['dataset']}: " + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items()))


if __name__ == "__main__":
    main()
