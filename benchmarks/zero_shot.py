"""Zero-shot labels: hold out a share of the WordNet labels from training entirely, add them to the
trained model by text afterwards (`lever labels add`), and compare their metrics with the same labels
in a model trained normally with all labels.

    .venv/bin/python benchmarks/zero_shot.py [--data data/wordnet] [--work runs/zero-shot]

Steps: build the dataset if missing (`bin/lever data wordnet`); draw 10% of the labels (seeded);
write a copy of the dataset without them (removed from every training row and from Y.txt, the
remaining labels renumbered; test truth and filters remapped the same way); train the default
`lever` method on it and on the full dataset; append the held-out labels to the first model by text;
predict the test rows that carry a held-out label with both models and evaluate, with
`lever.metrics` (the engine's evaluation code), the held-out labels only: each row's truth is its
held-out labels, its ranking the model's full top 10 (any label) with the test filter applied.
PSP uses the propensities of the full training set for both models. Prints a Markdown table.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
os.environ.setdefault("LEVER_LIBRARY", str(ROOT / "build" / "lib" / "liblever.so"))
sys.path.insert(0, str(ROOT / "bindings" / "python"))

import numpy as np  # noqa: E402

import lever  # noqa: E402
from lever import metrics  # noqa: E402


def lever_cli(*args):
    subprocess.run([str(ROOT / "bin" / "lever"), *map(str, args)], check=True)


def read_lines(path):
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


def read_sparse(path):
    """Rows as lists of (label, value text); the header's column count."""
    lines = read_lines(path)
    rows, cols = map(int, lines[0].split())
    out = []
    for line in lines[1:rows + 1]:
        out.append([(int(l), v) for l, v in (pair.split(":") for pair in line.split())])
    out += [[] for _ in range(rows - len(out))]
    return out, cols


def write_sparse(path, rows, cols):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(rows)} {cols}\n")
        for row in rows:
            f.write(" ".join(f"{l}:{v}" for l, v in row) + "\n")


def read_pairs(path):
    return [tuple(map(int, line.split())) for line in read_lines(path) if line.strip()] if path.exists() else []


def held_out_dataset(data, out, held, num_labels):
    """The dataset without the held-out labels; returns old id -> new id for the kept labels."""
    held_set = set(held)
    kept = [l for l in range(num_labels) if l not in held_set]
    new_id = {l: i for i, l in enumerate(kept)}
    out.mkdir(parents=True, exist_ok=True)
    labels = read_lines(data / "Y.txt")
    (out / "Y.txt").write_text("".join(labels[l] + "\n" for l in kept), encoding="utf-8")
    for name in ["trn_X.txt", "tst_X.txt"]:
        (out / name).write_text((data / name).read_text(encoding="utf-8"), encoding="utf-8")
    for name in ["trn_X_Y.txt", "tst_X_Y.txt"]:
        rows, _ = read_sparse(data / name)
        write_sparse(out / name, [[(new_id[l], v) for l, v in row if l in new_id] for row in rows], len(kept))
    for name in ["trn_filter_labels.txt", "tst_filter_labels.txt"]:
        pairs = [(r, new_id[l]) for r, l in read_pairs(data / name) if l in new_id]
        (out / name).write_text("".join(f"{r} {l}\n" for r, l in pairs), encoding="utf-8")
    return kept


def train(data, run_dir, reuse):
    """Trains the default lever method on `data` into `run_dir`; with `reuse`, a model a finished run
    of the same config left there is used instead. Returns the model and the training seconds (the
    run's own figure from report.json, without data loading and test prediction)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "config.json"
    text = json.dumps({"data": {"dir": str(data)}, "method": "lever", "output": {"dir": str(run_dir)}})
    model = run_dir / "model.lever"
    report = run_dir / "report.json"
    if not (reuse and model.exists() and report.exists() and config.read_text() == text):
        config.write_text(text)
        lever_cli("train", "--config", config, "--quiet")
    return model, json.loads(report.read_text())["train_seconds"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=pathlib.Path, default=ROOT / "data" / "wordnet")
    ap.add_argument("--work", type=pathlib.Path, default=ROOT / "runs" / "zero-shot")
    ap.add_argument("--fraction", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true",
                    help="use the models of finished training runs of the same configs in WORK")
    args = ap.parse_args()
    data, work = args.data.resolve(), args.work.resolve()
    if not (data / "Y.txt").exists():
        lever_cli("data", "wordnet", "--out", data)
    label_texts = read_lines(data / "Y.txt")
    num_labels = len(label_texts)
    rng = np.random.default_rng(args.seed)
    held = sorted(int(l) for l in rng.choice(num_labels, size=round(args.fraction * num_labels), replace=False))
    kept = held_out_dataset(data, work / "data-heldout", held, num_labels)

    # Test rows that carry a held-out label; their truth is those labels only.
    test_rows, _ = read_sparse(data / "tst_X_Y.txt")
    held_set = set(held)
    rows = [r for r, row in enumerate(test_rows) if any(l in held_set for l, _ in row)]
    truth = [[l for l, _ in test_rows[r] if l in held_set] for r in rows]
    position = {r: i for i, r in enumerate(rows)}
    filters = [(position[r], l) for r, l in read_pairs(data / "tst_filter_labels.txt") if r in position]
    test_texts = read_lines(data / "tst_X.txt")
    texts = [test_texts[r] for r in rows]
    train_rows, _ = read_sparse(data / "trn_X_Y.txt")
    train_labels = [[l for l, _ in row] for row in train_rows]
    trained_with = {l for row in train_labels for l in row if l in held_set}

    heldout_model, heldout_secs = train(work / "data-heldout", work / "run-heldout", args.reuse)
    added_path = work / "run-heldout" / "model-added.lever"
    (work / "heldout_labels.txt").write_text("".join(label_texts[l] + "\n" for l in held), encoding="utf-8")
    t0 = time.perf_counter()
    lever_cli("labels", "add", "--model", heldout_model, "--labels", work / "heldout_labels.txt", "--out", added_path)
    add_secs = time.perf_counter() - t0
    full_model, full_secs = train(data, work / "run-full", args.reuse)

    # Ids of the zero-shot model: the kept labels renumbered, then the held-out ones in order.
    to_original = np.array(kept + held, dtype=np.int64)
    results = []
    for name, path, mapping in [("held out, added by text (zero-shot)", added_path, to_original),
                                ("trained with all labels", full_model, None)]:
        with lever.Model.load(path) as m:
            assert m.num_labels == num_labels
            pred, _ = m.predict(texts, k=10)
        if mapping is not None:
            pred = np.where(pred >= 0, mapping[np.maximum(pred, 0)], -1)
        report = metrics.evaluate(truth, pred, k=[1, 5, 10], train_counts=train_labels, filters=filters,
                                  n_labels=num_labels)["overall"]
        results.append((name, report))

    print(f"WordNet lemma ({data}): {len(held)} of {num_labels} labels held out (seed {args.seed}),"
          f" {len(trained_with)} of them with training rows in the full data; {len(rows)} test rows carry"
          f" {sum(map(len, truth))} held-out positives ({results[0][1]['labels_with_test_positive']} distinct labels).")
    print(f"training (2 shared cores, other jobs running): held-out data {heldout_secs:.0f} s,"
          f" full data {full_secs:.0f} s; adding"
          f" {len(held)} labels by text {add_secs:.1f} s (CLI, load + add + save)\n")
    print("| held-out labels in | P@1 | P@5 | PSP@5 | nDCG@5 | R@10 | coverage@10 |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results:
        cells = [r["P"]["1"], r["P"]["5"], r["PSP"]["5"], r["nDCG"]["5"], r["recall"]["10"], r["coverage"]["10"]]
        print(f"| {name} | " + " | ".join(f"{v:.2f}" for v in cells) + " |")


if __name__ == "__main__":
    main()
