"""Load time, resident memory, page sharing and prediction rate of a saved model, through the Python binding.

    .venv/bin/python benchmarks/model_load.py runs/wordnet/model.lever data/wordnet/tst_X.txt

Load time: the first load of this process, then the median of repeated load + close, before any
prediction (OpenBLAS threads left spinning by a prediction would slow it). Resident memory is VmRSS
added in a fresh process (the library already loaded by the import): after loading the model and
after its first prediction (one text); "model file pages" is the part of it that is the mapped
file's (shared page-cache) pages. Sharing: two
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
    """Child mode: load, predict one text, report resident memory, wait for the parent to read ours."""
    before = rss_mib()
    m = lever.Model.load(model)
    after_load, pages_after_load = rss_mib() - before, mapped_mib(model)
    m.predict([text], k=10)
    after_first, pages_after_first = rss_mib() - before, mapped_mib(model)
    print(after_load, pages_after_load, after_first, pages_after_first, flush=True)
    sys.stdin.readline()
    m.close()


def shared_pages(model, text):
    children = [subprocess.Popen([sys.executable, __file__, "--hold", model, text], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        added = [[float(v) for v in c.stdout.readline().split()] for c in children]
        return [rollup(c.pid) | {"model": mapped_mib(model, c.pid), "added": a} for c, a in zip(children, added)]
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
    t0 = time.perf_counter()
    model = lever.Model.load(args.model)
    first_load = time.perf_counter() - t0
    model.close()
    loads = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        lever.Model.load(args.model).close()
        loads.append(time.perf_counter() - t0)
    model = lever.Model.load(args.model)
    model.predict(texts[:100], k=args.k)  # warm-up
    t0 = time.perf_counter()
    model.predict(texts, k=args.k)
    batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts[:500]:
        model.predict([t], k=args.k)
    single = (time.perf_counter() - t0) / 500
    print(f"model file            {size:8.1f} MiB  ({model.num_labels} labels)")
    print(f"load time             {statistics.median(loads) * 1000:8.1f} ms  (median of {args.repeats}; the first load "
          f"{first_load * 1000:.1f} ms)")
    print(f"batch predict         {len(texts) / batch:8.0f} queries/s  (k={args.k}, {len(texts)} queries, all cores)")
    print(f"single-text predict   {single * 1000:8.3f} ms/query  (k={args.k}, one thread)")
    model.close()
    processes = shared_pages(args.model, texts[0])
    after_load, pages_after_load, after_first, pages_after_first = processes[0]["added"]
    print(f"resident after load   {after_load:8.1f} MiB  (VmRSS added in a fresh process; model file pages "
          f"{pages_after_load:.1f} MiB)")
    print(f"after 1st prediction  {after_first:8.1f} MiB  (VmRSS added, one text; model file pages "
          f"{pages_after_first:.1f} MiB)")
    for i, r in enumerate(processes, 1):
        print(f"process {i} of 2        Rss {r['Rss']:6.1f}  Pss {r['Pss']:6.1f}  Shared_Clean {r['Shared_Clean']:6.1f}"
              f"  Private {r['Private_Clean'] + r['Private_Dirty']:6.1f} MiB  (model file pages {r['model']:.1f})")


if __name__ == "__main__":
    main()
