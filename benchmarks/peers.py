"""Runs Lever and the CPU peers on one XC dataset split and prints one comparison table.

Every method is trained and used for prediction in its own child process (so peak memory is its
own), writes its top-100 predictions in the XC sparse format, and all prediction files are scored
by the same evaluator (`lever eval`, with the dataset's test filter). The peers see TF-IDF
features of the same texts (word 1-2-grams, optionally plus character 3-5-grams, fit on training
texts); they never read label texts, which Lever's teacher does.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLI = os.environ.get("LEVER_CLI", str(ROOT / ".build" / "release" / "lever-cli"))
TOP = 100
PEERS = ["omikuji-parabel", "omikuji-bonsai", "napkinxc-plt", "pecos-xrlinear"]


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def read_labels(path):
    import numpy as np
    import scipy.sparse as sp
    lines = read_lines(path)
    rows, cols = map(int, lines[0].split())
    ind, ptr = [], [0]
    for line in lines[1:rows + 1]:
        ind.extend(int(p.split(":")[0]) for p in line.split())
        ptr.append(len(ind))
    while len(ptr) < rows + 1:
        ptr.append(len(ind))
    return sp.csr_matrix((np.ones(len(ind), dtype=np.float32), np.array(ind, dtype=np.int64), np.array(ptr)), shape=(rows, cols))


def features(data, kind, cache):
    """TF-IDF of train and test texts, cached as .npz for the child processes."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize
    trn, tst = read_lines(data / "trn_X.txt"), read_lines(data / "tst_X.txt")
    vecs = [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype="float32")]
    if kind == "word+char":
        vecs.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, dtype="float32"))
    xtr = sp.hstack([v.fit_transform(trn) for v in vecs]).tocsr()
    xte = sp.hstack([v.transform(tst) for v in vecs]).tocsr()
    xtr, xte = normalize(xtr).astype("float32"), normalize(xte).astype("float32")
    sp.save_npz(cache / "xtr.npz", xtr)
    sp.save_npz(cache / "xte.npz", xte)
    return xtr.shape[1]


def write_predictions(path, rows, n_labels):
    with open(path, "w") as f:
        f.write(f"{len(rows)} {n_labels}\n")
        for r in rows:
            f.write(" ".join(f"{l}:{s:.6g}" for l, s in r) + "\n")


def dir_size(path):
    p = pathlib.Path(path)
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def worker(name, data, cache, out, threads):
    """Trains and predicts one peer; writes predictions and a small JSON of timings and size."""
    import numpy as np
    import scipy.sparse as sp
    xtr, xte = sp.load_npz(cache / "xtr.npz"), sp.load_npz(cache / "xte.npz")
    ytr = read_labels(data / "trn_X_Y.txt")
    n_labels = ytr.shape[1]
    model_dir = out / f"{name}-model"
    shutil.rmtree(model_dir, ignore_errors=True)
    t0 = time.perf_counter()
    if name.startswith("omikuji"):
        import omikuji
        train_file = out / "omikuji-train.txt"
        with open(train_file, "w") as f:
            f.write(f"{xtr.shape[0]} {xtr.shape[1]} {n_labels}\n")
            for r in range(xtr.shape[0]):
                labels = ",".join(map(str, ytr[r].indices))
                row = xtr[r]
                feats = " ".join(f"{i}:{v:.6g}" for i, v in zip(row.indices, row.data))
                f.write(" ".join(x for x in (labels, feats) if x) + "\n")
        hp = omikuji.Model.default_hyper_param()
        if name == "omikuji-bonsai":
            hp.cluster_k, hp.cluster_balanced, hp.max_depth = 100, False, 3
        t0 = time.perf_counter()
        model = omikuji.Model.train_on_data(str(train_file), hp, n_threads=threads)
        train_s = time.perf_counter() - t0
        model.save(str(model_dir))
        t0 = time.perf_counter()
        rows = []
        for r in range(xte.shape[0]):
            row = xte[r]
            rows.append(model.predict(list(zip(row.indices.tolist(), row.data.tolist())), top_k=TOP))
        predict_s = time.perf_counter() - t0
    elif name == "napkinxc-plt":
        from napkinxc.models import PLT
        y_lists = [ytr[r].indices.tolist() for r in range(ytr.shape[0])]
        model = PLT(str(model_dir), threads=threads, seed=1)
        model.fit(xtr, y_lists)
        train_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = model.predict_proba(xte, top_k=TOP)
        predict_s = time.perf_counter() - t0
    elif name == "pecos-xrlinear":
        from pecos.xmc import Indexer, LabelEmbeddingFactory
        from pecos.xmc.xlinear.model import XLinearModel
        label_feat = LabelEmbeddingFactory.create(ytr, xtr, method="pifa")
        chain = Indexer.gen(label_feat, threads=threads)
        model = XLinearModel.train(xtr, ytr, C=chain, threads=threads)
        train_s = time.perf_counter() - t0
        model.save(str(model_dir))
        t0 = time.perf_counter()
        pred = model.predict(xte, only_topk=TOP, threads=threads).tocsr()
        predict_s = time.perf_counter() - t0
        rows = []
        for r in range(pred.shape[0]):
            order = np.argsort(-pred[r].data)
            rows.append(list(zip(pred[r].indices[order].tolist(), pred[r].data[order].tolist())))
    else:
        raise SystemExit(f"unknown peer {name}")
    write_predictions(out / f"{name}.pred", rows, n_labels)
    (out / f"{name}.json").write_text(json.dumps({
        "train_seconds": train_s, "predict_ms_per_query": 1000 * predict_s / xte.shape[0],
        "model_bytes": dir_size(model_dir)}))


def run_child(cmd):
    """Runs a command and returns (seconds, peak RSS MiB) of that child alone."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed with {os.waitstatus_to_exitcode(status)}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def evaluate(data, pred, out):
    js = out / (pathlib.Path(pred).stem + "-metrics.json")
    subprocess.run([CLI, "eval", "--data", str(data), "--pred", str(pred), "--k", "1", "3", "5", "--json", str(js)],
                   check=True, stdout=subprocess.DEVNULL)
    return json.loads(js.read_text())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/wordnet")
    ap.add_argument("--lever-config", default="configs/wordnet.json")
    ap.add_argument("--features", choices=["word", "word+char"], default="word+char")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="")
    ap.add_argument("--peers", nargs="*", default=PEERS)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    data = (ROOT / args.data).resolve()
    out = (ROOT / (args.out or f"runs/peers/{data.name}")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    cache = out / "features"
    if args.worker:
        return worker(args.worker, data, cache, out, args.threads)

    cache.mkdir(exist_ok=True)
    n_feat = features(data, args.features, cache)
    print(f"dataset {data}: TF-IDF {args.features} features ({n_feat} columns) for the peers; {args.threads} threads", flush=True)
    results = []
    for name in args.peers:
        print(f"running {name} ...", flush=True)
        _, rss = run_child([sys.executable, __file__, "--data", str(data), "--out", str(out), "--threads", str(args.threads),
                            "--worker", name])
        info = json.loads((out / f"{name}.json").read_text())
        results.append((name, info, rss, evaluate(data, out / f"{name}.pred", out)))

    # Lever: one `lever train` run (teacher, distillation, student), predictions of its test split.
    cfg = json.loads((ROOT / args.lever_config).read_text())
    cfg["data"] = dict(cfg.get("data", {}), dir=str(data))
    cfg["output"] = {"dir": str(out / "lever"), "top_k": TOP}
    cfg["threads"] = args.threads
    cfg["compare"] = False
    (out / "lever-config.json").write_text(json.dumps(cfg, indent=1))
    print("running lever ...", flush=True)
    _, rss = run_child([CLI, "train", "--config", str(out / "lever-config.json"), "--quiet"])
    report = json.loads((out / "lever" / "report.json").read_text())
    info = {"train_seconds": report["train_seconds"], "predict_ms_per_query": report["predict_ms_per_query"],
            "model_bytes": dir_size(out / "lever" / "model.lever")}
    results.append((f"lever ({cfg.get('method', 'lever')})", info, rss, evaluate(data, out / "lever" / "tst_predictions.txt", out)))

    print()
    print(f"{'method':22}{'P@1':>7}{'P@3':>7}{'P@5':>7}{'PSP@1':>7}{'PSP@3':>7}{'PSP@5':>7}{'cov@5':>7}"
          f"{'train s':>9}{'ms/query':>9}{'peak MiB':>9}{'model MiB':>10}")
    table = []
    for name, info, rss, m in results:
        o = m["overall"]
        row = [o["P"]["1"], o["P"]["3"], o["P"]["5"], o["PSP"]["1"], o["PSP"]["3"], o["PSP"]["5"], o["coverage"]["5"]]
        print(f"{name:22}" + "".join(f"{v:7.2f}" for v in row) + f"{info['train_seconds']:9.1f}{info['predict_ms_per_query']:9.3f}"
              f"{rss:9.0f}{info['model_bytes'] / 2**20:10.1f}")
        table.append({"method": name, "metrics": m, "peak_mib": rss, **info})
    (out / "comparison.json").write_text(json.dumps(table, indent=1))
    print(f"\n(metrics in %; ms/query includes featurisation for Lever, not for the peers; details in {out}/comparison.json)")


if __name__ == "__main__":
    sys.exit(main())
