"""Load time, resident memory and prediction rate of a saved model, through the Python binding.

    .venv/bin/python benchmarks/model_load.py runs/wordnet/model.lever data/wordnet/tst_X.txt
"""
import argparse
import os
import statistics
import time

import lever


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("texts")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--k", type=int, default=100)
    args = ap.parse_args()
    size = os.path.getsize(args.model) / 2**20
    texts = open(args.texts, encoding="utf-8").read().split("\n")
    texts = [t for t in texts if t][:5000]
    before = rss_mib()
    loads = []
    model = None
    for _ in range(args.repeats):
        if model is not None:
            model.close()
        t0 = time.perf_counter()
        model = lever.Model.load(args.model)
        loads.append(time.perf_counter() - t0)
    after = rss_mib()
    model.predict(texts[:100], k=args.k)  # warm-up
    t0 = time.perf_counter()
    model.predict(texts, k=args.k)
    batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts[:500]:
        model.predict([t], k=args.k)
    single = (time.perf_counter() - t0) / 500
    print(f"model file            {size:8.1f} MiB  ({model.num_labels} labels)")
    print(f"load time             {statistics.median(loads) * 1000:8.1f} ms  (median of {args.repeats})")
    print(f"resident memory added {after - before:8.1f} MiB  (one loaded model)")
    print(f"batch predict         {len(texts) / batch:8.0f} queries/s  (k={args.k}, {len(texts)} queries, all cores)")
    print(f"single-text predict   {single * 1000:8.3f} ms/query  (k={args.k}, one thread)")
    model.close()


if __name__ == "__main__":
    main()
