"""Checks every metric of `lever eval` against two independent references on real predictions
(the kNN baseline on the WordNet dataset): napkinXC's metrics module, and a short numpy
implementation of the definitions in shared/notes/lever-method.md written here."""
import json

import numpy as np
import pytest
import scipy.sparse as sp
from napkinxc import metrics as nxc

from lever_cli import run_lever

KS = [1, 3, 5, 10]
A, B = 0.55, 1.5


def read_sparse(path):
    with open(path, encoding="utf-8") as f:
        rows, cols = map(int, f.readline().split())
        data, ind, ptr = [], [], [0]
        for line in f.read().split("\n")[:rows]:
            for pair in line.split():
                l, v = pair.split(":")
                ind.append(int(l))
                data.append(float(v))
            ptr.append(len(ind))
    return sp.csr_matrix((np.array(data), np.array(ind, dtype=np.int64), np.array(ptr)), shape=(rows, cols))


def read_filter(path):
    pairs = set()
    with open(path) as f:
        for line in f.read().split("\n"):
            if line.strip():
                r, l = map(int, line.split())
                pairs.add((r, l))
    return pairs


def rankings(pred, filt):
    out = []
    for r in range(pred.shape[0]):
        row = pred[r]
        order = np.lexsort((row.indices, -row.data))  # score desc, label asc
        out.append([int(l) for l in row.indices[order] if (r, int(l)) not in filt])
    return out


def jain_inverse_propensity(train_y):
    n = train_y.shape[0]
    counts = np.asarray((train_y > 0).sum(axis=0)).ravel()
    c = (np.log(n) - 1) * (B + 1) ** A
    return 1 + c * np.exp(-A * np.log(counts + B))


def numpy_reference(truth_sets, ranks, inv_p, keep=None):
    """The definitions, written out plainly. keep: optional boolean mask of labels (a band)."""
    res = {m: [] for m in ["P", "nDCG", "PSP", "PSnDCG", "coverage", "recall"]}
    rows = []
    for y, rk in zip(truth_sets, ranks):
        if keep is not None:
            y = {l for l in y if keep[l]}
            if not y:
                continue
            rk = [l for l in rk if keep[l]]
        rows.append((y, rk))
    all_truth = set().union(*[y for y, _ in rows])
    for k in KS:
        p = nd = ps = psb = psn = psnb = rec = 0.0
        hit_labels = set()
        for y, rk in rows:
            top = rk[:k]
            hits = [i for i, l in enumerate(top) if l in y]
            p += len(hits) / k
            if y:
                norm = sum(1 / np.log2(i + 2) for i in range(min(k, len(y))))
                nd += sum(1 / np.log2(i + 2) for i in hits) / norm
                best = sorted((inv_p[l] for l in y), reverse=True)[:k]
                ps += sum(inv_p[top[i]] for i in hits)
                psb += sum(best)
                psn += sum(inv_p[top[i]] / np.log2(i + 2) for i in hits) / norm
                psnb += sum(b / np.log2(i + 2) for i, b in enumerate(best)) / norm
                rec += len(hits) / len(y)
            hit_labels.update(top[i] for i in hits)
        n = len(rows)
        res["P"].append(100 * p / n)
        res["nDCG"].append(100 * nd / n)
        res["PSP"].append(100 * ps / psb)
        res["PSnDCG"].append(100 * psn / psnb)
        res["coverage"].append(100 * len(hit_labels) / len(all_truth))
        res["recall"].append(100 * rec / sum(1 for y, _ in rows if y))
    return res


@pytest.fixture(scope="module")
def evaluated(wordnet_dir, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("knn-run")
    cfg = run_dir / "config.json"
    cfg.write_text(json.dumps({
        "data": {"dir": str(wordnet_dir)},
        "method": "knn",
        "evaluation": {"k": KS},
        "output": {"dir": str(run_dir), "model": "", "top_k": 20},
    }))
    run_lever("train", "--config", cfg, "--quiet")
    pred = run_dir / "tst_predictions.txt"
    out_json = run_dir / "eval.json"
    run_lever("eval", "--data", wordnet_dir, "--pred", pred, "--k", *KS, "--json", out_json)
    got = json.loads(out_json.read_text())
    truth = read_sparse(wordnet_dir / "tst_X_Y.txt")
    train_y = read_sparse(wordnet_dir / "trn_X_Y.txt")
    ranks = rankings(read_sparse(pred), read_filter(wordnet_dir / "tst_filter_labels.txt"))
    truth_sets = [set(truth[r].indices.tolist()) for r in range(truth.shape[0])]
    return got, truth, train_y, ranks, truth_sets


def lever_values(block, name):
    return [block[name][str(k)] for k in KS]


def test_predictions_are_real(evaluated):
    got, truth, _, ranks, _ = evaluated
    assert len(ranks) == truth.shape[0] > 20000
    assert got["overall"]["P"]["1"] > 20  # a working baseline, far above chance


def test_overall_metrics_match_numpy_reference(evaluated):
    got, _, train_y, ranks, truth_sets = evaluated
    ref = numpy_reference(truth_sets, ranks, jain_inverse_propensity(train_y))
    for name, values in ref.items():
        np.testing.assert_allclose(lever_values(got["overall"], name), values, atol=1e-6, err_msg=name)


def test_overall_metrics_match_napkinxc(evaluated):
    got, truth, train_y, ranks, truth_sets = evaluated
    inv_p = nxc.Jain_et_al_inverse_propensity(sp.csr_matrix(train_y), A=A, B=B)
    np.testing.assert_allclose(inv_p, jain_inverse_propensity(train_y), rtol=1e-12)
    y_true = [sorted(y) for y in truth_sets]
    kmax = max(KS)
    idx = [k - 1 for k in KS]
    reference = {
        "P": nxc.precision_at_k(y_true, ranks, k=kmax),
        "nDCG": nxc.ndcg_at_k(y_true, ranks, k=kmax),
        "PSP": nxc.psprecision_at_k(y_true, ranks, inv_p, k=kmax),
        "PSnDCG": nxc.psndcg_at_k(y_true, ranks, inv_p, k=kmax),
        "coverage": nxc.coverage_at_k(y_true, ranks, k=kmax),
        "recall": nxc.recall_at_k(y_true, ranks, k=kmax),
    }
    for name, values in reference.items():
        np.testing.assert_allclose(lever_values(got["overall"], name), 100 * np.asarray(values)[idx], atol=1e-6, err_msg=name)


@pytest.mark.parametrize("band,test", [("head", lambda c: c >= 51), ("torso", lambda c: (c > 5) & (c < 51)),
                                       ("tail", lambda c: c <= 5)])
def test_band_metrics_match_numpy_reference(evaluated, band, test):
    got, _, train_y, ranks, truth_sets = evaluated
    counts = np.asarray((train_y > 0).sum(axis=0)).ravel()
    keep = test(counts)
    ref = numpy_reference(truth_sets, ranks, jain_inverse_propensity(train_y), keep=keep)
    block = got["bands"][band]
    assert block["labels"] == int(keep.sum())
    for name, values in ref.items():
        np.testing.assert_allclose(lever_values(block["metrics"], name), values, atol=1e-6, err_msg=f"{band} {name}")
