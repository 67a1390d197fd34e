"""Teacher against the kNN baseline, and the teacher ablations, on both WordNet variants.

    .venv/bin/python benchmarks/teacher_ablation.py [--epochs N] [--variants lemma gloss]

Builds the datasets if missing, runs `lever train` once per setting (same split, same seed), and
prints one table per variant: P@1/3/5, PSP@1/3/5, coverage@1/5 overall, and PSP@5 / coverage@5
per label-frequency band. Reports land in runs/ablation/."""
import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLI = os.environ.get("LEVER_CLI", str(ROOT / "bin" / "lever"))

SETTINGS = [
    ("kNN baseline", {"method": "knn"}),
    ("teacher", {"method": "teacher"}),
    ("  row-side batches", {"method": "teacher", "teacher": {"sides": "row"}}),
    ("  random batches", {"method": "teacher", "teacher": {"batching": "random"}}),
    ("  no hard-negative mining", {"method": "teacher", "teacher": {"mining": "random"}}),
]


def run(variant, name, overrides, epochs):
    data = ROOT / "data" / ("wordnet" if variant == "lemma" else "wordnet-gloss")
    if not (data / "tst_X_Y.txt").exists():
        subprocess.run([CLI, "data", "wordnet", "--out", data] + (["--gloss"] if variant == "gloss" else []), check=True)
    out = ROOT / "runs" / "ablation" / variant / name.strip().replace(" ", "-")
    cfg = {"data": {"dir": str(data)}, "output": {"dir": str(out), "model": "", "predictions": ""},
           "evaluation": {"k": [1, 3, 5]}}
    for key, value in overrides.items():
        cfg[key] = dict(value) if isinstance(value, dict) else value
    if epochs and cfg.get("method") == "teacher":
        cfg.setdefault("teacher", {})["epochs"] = epochs
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(cfg, indent=1))
    subprocess.run([CLI, "train", "--config", out / "config.json", "--quiet"], check=True, stdout=subprocess.DEVNULL)
    return json.loads((out / "report.json").read_text())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=0, help="override teacher epochs (0: the default)")
    ap.add_argument("--variants", nargs="+", default=["lemma", "gloss"])
    args = ap.parse_args()
    for variant in args.variants:
        print(f"\nWordNet {variant} variant" + (f" (teacher epochs {args.epochs})" if args.epochs else ""))
        head = f"{'setting':26}{'P@1':>7}{'P@3':>7}{'P@5':>7}{'PSP@1':>7}{'PSP@3':>7}{'PSP@5':>7}{'cov@1':>7}{'cov@5':>7}"
        head += "  | PSP@5 / cov@5 by band: head, torso, tail | train s"
        print(head)
        for name, overrides in SETTINGS:
            rep = run(variant, name, overrides, args.epochs)
            m = rep["metrics"]["overall"]
            row = f"{name:26}"
            for metric, k in [("P", 1), ("P", 3), ("P", 5), ("PSP", 1), ("PSP", 3), ("PSP", 5), ("coverage", 1), ("coverage", 5)]:
                row += f"{m[metric][str(k)]:7.2f}"
            row += "  |"
            for band in ["head", "torso", "tail"]:
                b = rep["metrics"]["bands"][band]["metrics"]
                row += f" {b['PSP']['5']:5.1f}/{b['coverage']['5']:5.1f}"
            row += f" | {rep['train_seconds']:7.1f}"
            print(row, flush=True)


if __name__ == "__main__":
    sys.exit(main())
