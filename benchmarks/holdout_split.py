#!/usr/bin/env python3
"""Makes a validation dataset from a dataset's training split alone, for choosing defaults without
looking at its test split: a seeded fraction of the training rows becomes the new test split, the
rest the new training split; the label texts are kept.

    python3 benchmarks/holdout_split.py data/wordnet runs/val/wordnet --fraction 0.1 --seed 1

Train and evaluate on the output directory like on any dataset (e.g. `lever train` with
`"data": {"dir": "runs/val/wordnet"}`); its test figures are validation figures.
"""
import argparse
import pathlib
import random
import shutil


def read_lines(path):
    with open(path, encoding="utf-8-sig") as f:
        lines = f.read().split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def write_labels(path, rows, cols):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(rows)} {cols}\n")
        for r in rows:
            f.write(r + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=pathlib.Path, help="dataset directory (Y.txt, trn_X.txt, trn_X_Y.txt)")
    ap.add_argument("out", type=pathlib.Path, help="output dataset directory")
    ap.add_argument("--fraction", type=float, default=0.1, help="share of training rows held out (0-1)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not 0 < args.fraction < 1:
        ap.error("--fraction must lie strictly between 0 and 1")
    texts = read_lines(args.data / "trn_X.txt")
    labels = read_lines(args.data / "trn_X_Y.txt")
    header = labels[0].split() if labels else []
    if len(header) != 2 or not all(h.isdigit() for h in header):
        raise SystemExit(f"{args.data / 'trn_X_Y.txt'}: line 1 must be \"rows labels\"")
    rows, cols = map(int, header)
    body = labels[1:]
    if rows != len(texts):
        raise SystemExit(f"{args.data}: trn_X.txt has {len(texts)} rows but trn_X_Y.txt's header says {rows}")
    if len(body) > rows:
        raise SystemExit(f"{args.data / 'trn_X_Y.txt'}: {len(body)} label lines for {rows} rows")
    body += [""] * (rows - len(body))
    order = list(range(rows))
    random.Random(args.seed).shuffle(order)
    held = sorted(order[:max(1, int(rows * args.fraction))])
    kept = sorted(set(order) - set(held))
    if not kept:
        raise SystemExit(f"{args.data}: {rows} training row(s) leave none to train on at --fraction {args.fraction}")
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.data / "Y.txt", args.out / "Y.txt")
    for name, part in (("trn", kept), ("tst", held)):
        with open(args.out / f"{name}_X.txt", "w", encoding="utf-8") as f:
            for i in part:
                f.write(texts[i] + "\n")
        write_labels(args.out / f"{name}_X_Y.txt", [body[i] for i in part], cols)
    # Filter pairs (row label: a label the row's own text names, left out of scoring) follow their rows.
    filters = args.data / "trn_filter_labels.txt"
    if filters.exists():
        pairs = [line.split() for line in read_lines(filters) if line.strip()]
        for name, part in (("trn", kept), ("tst", held)):
            new_row = {r: i for i, r in enumerate(part)}
            with open(args.out / f"{name}_filter_labels.txt", "w", encoding="utf-8") as f:
                for r, label in pairs:
                    if int(r) in new_row:
                        f.write(f"{new_row[int(r)]} {label}\n")
    print(f"{args.out}: {len(kept)} training rows, {len(held)} held-out rows, {cols} labels")


if __name__ == "__main__":
    main()
