"""Single-text latency of a saved model, as benchmarks/scale.py measures it: the Python binding,
`m.predict(text, k=10, threads=1)` over the first 1000 texts, p50 and p99 per run.

    .venv/bin/python benchmarks/single_text.py MODEL TEXTS [--runs 3]

On a shared machine, pin it (`taskset -c 1`) and compare several runs: other processes on the core
move both figures.
"""
import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import scale  # noqa: E402  (sets up the binding and LEVER_LIBRARY)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=pathlib.Path)
    ap.add_argument("texts", type=pathlib.Path, help="one text per line (e.g. data/wordnet/tst_X.txt)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    texts = [t for t in args.texts.read_text(encoding="utf-8").split("\n") if t]
    for run in range(args.runs):
        p50, p99, _ = scale.latency(args.model, texts)
        print(f"run {run + 1}: p50 {p50:.3f} ms, p99 {p99:.3f} ms", flush=True)


if __name__ == "__main__":
    main()
