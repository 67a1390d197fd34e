"""Load time, resident memory, page sharing and prediction rate of a saved model, through the Python binding.

    .venv/bin/python benchmarks/model_load.py runs/wordnet/model.lever data/wordnet/tst_X.txt

Resident memory is VmRSS added to this process (the library already loaded by the import): after
loading the model, after its first prediction (one text) and after a batch; "model file pages" is
the part of it that is the mapped file's (shared page-cache) pages. Sharing: two
child processes each load the model and predict one text; their /proc/<pid>/smaps_rollup shows how
much of their resident memory is shared (Pss counts a page shared by two processes half in each).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import lever


def status_kib(field, pid="self"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def rss_mib(pid="self"):
    return status_kib("VmRSS", pid) / 1024


def rollup(pid):
    """The fields of /proc/<pid>/smaps_rollup, in MiB."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return out


def mapped_mib(path, pid="self"):
    """Resident MiB of this process's mappings of `path`."""
    real, total, inside = os.path.realpath(path), 0, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            first = line.split(maxsplit=1)[0]
            if "-" in first and ":" not in first:  # a mapping's header line
                inside = line.rstrip("\n").split(maxsplit=5)[-1].startswith(real)
            elif inside and first == "Rss:":
                total += int(line.split()[1])
    return total / 1024


def hold(model, text):
    """Child mode: load, predict one text, report ready, wait for the parent to read our memory."""
    m = lever.Model.load(model)
    m.predict([text], k=10)
    print("ready", flush=True)
    sys.stdin.readline()
    m.close()


def shared_pages(model, text):
    children = [subprocess.Popen([sys.executable, __file__, "--hold", model, text], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for c in children:
            assert c.stdout.readline().strip() == "ready"
        return [rollup(c.pid) | {"model": mapped_mib(model, c.pid)} for c in children]
    finally:
        for c in children:
            c.stdin.write("\n")
            c.stdin.close()
            c.wait()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--hold":
        return hold(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("texts")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--k", type=int, default=100)
    args = ap.parse_args()
    size = os.path.getsize(args.model) / 2**20
    texts = open(args.texts, encoding="utf-8").read().split("\n")
    texts = [t for t in texts if t][:5000]
    before = rss_mib()  # the library is loaded (import), no model yet
    t0 = time.perf_counter()
    model = lever.Model.load(args.model)
    first_load = time.perf_counter() - t0
    after_load = rss_mib()
    model_after_load = mapped_mib(args.model)
    model.predict(texts[:1], k=args.k)
    after_first = rss_mib()
    model_after_first = mapped_mib(args.model)
    model.predict(texts[:100], k=args.k)  # warm-up
    t0 = time.perf_counter()
    model.predict(texts, k=args.k)
    batch = time.perf_counter() - t0
    after_batch = rss_mib()
    t0 = time.perf_counter()
    for t in texts[:500]:
        model.predict([t], k=args.k)
    single = (time.perf_counter() - t0) / 500
    loads = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        lever.Model.load(args.model).close()
        loads.append(time.perf_counter() - t0)
    print(f"model file            {size:8.1f} MiB  ({model.num_labels} labels)")
    print(f"load time             {statistics.median(loads) * 1000:8.1f} ms  (median of {args.repeats}; the first load "
          f"{first_load * 1000:.1f} ms)")
    print(f"resident after load   {after_load - before:8.1f} MiB  (VmRSS added; {model_after_load:.1f} MiB of it "
          f"the model file's pages)")
    print(f"after 1st prediction  {after_first - before:8.1f} MiB  (VmRSS added, one text; model file pages "
          f"{model_after_first:.1f} MiB)")
    print(f"after batch           {after_batch - before:8.1f} MiB  (VmRSS added, {len(texts)} texts)")
    print(f"batch predict         {len(texts) / batch:8.0f} queries/s  (k={args.k}, {len(texts)} queries, all cores)")
    print(f"single-text predict   {single * 1000:8.3f} ms/query  (k={args.k}, one thread)")
    model.close()
    for i, r in enumerate(shared_pages(args.model, texts[0]), 1):
        print(f"process {i} of 2        Rss {r['Rss']:6.1f}  Pss {r['Pss']:6.1f}  Shared_Clean {r['Shared_Clean']:6.1f}"
              f"  Private {r['Private_Clean'] + r['Private_Dirty']:6.1f} MiB  (model file pages {r['model']:.1f})")


if __name__ == "__main__":
    main()
