"""lever.metrics (the engine's evaluation through lever_metrics_compute) against napkinxc.metrics on
random data and edge cases, in every input form; and its argument checks."""
import numpy as np
import pytest
import scipy.sparse as sp
from napkinxc import metrics as nxc

import lever
from lever import metrics

K = 5
A, B = 0.55, 1.5


def random_case(seed, rows=300, labels=40, empty_share=0.1):
    """Truth lists (some empty), rankings of 0..K+2 distinct labels (often fewer than K), training lists."""
    rng = np.random.default_rng(seed)
    truth, preds, train = [], [], []
    for _ in range(rows):
        n = 0 if rng.random() < empty_share else int(rng.integers(1, 5))
        truth.append(sorted(int(l) for l in rng.choice(labels, size=n, replace=False)))
        m = int(rng.integers(0, K + 3))
        # Predictions biased towards the truth, so hits happen.
        pool = list(dict.fromkeys(truth[-1][:int(rng.integers(0, 3))] + [int(l) for l in rng.permutation(labels)]))
        preds.append(pool[:m])
    for _ in range(500):
        train.append([int(l) for l in rng.choice(labels, size=int(rng.integers(1, 4)), replace=False)])
    return truth, preds, train, labels


def train_csr(train, labels):
    ptr = np.cumsum([0] + [len(r) for r in train])
    ind = np.array([l for r in train for l in r])
    return sp.csr_matrix((np.ones(len(ind)), ind, ptr), shape=(len(train), labels))


def napkinxc_reference(truth, preds, inv_ps):
    return {
        "P": nxc.precision_at_k(truth, preds, k=K), "nDCG": nxc.ndcg_at_k(truth, preds, k=K),
        "PSP": nxc.psprecision_at_k(truth, preds, inv_ps, k=K), "PSnDCG": nxc.psndcg_at_k(truth, preds, inv_ps, k=K),
        "coverage": nxc.coverage_at_k(truth, preds, k=K), "recall": nxc.recall_at_k(truth, preds, k=K),
    }


def lever_values(truth, preds, inv_ps, n_labels):
    return {
        "P": metrics.precision_at_k(truth, preds, k=K, n_labels=n_labels),
        "nDCG": metrics.ndcg_at_k(truth, preds, k=K, n_labels=n_labels),
        "PSP": metrics.psprecision_at_k(truth, preds, inv_ps, k=K),
        "PSnDCG": metrics.psndcg_at_k(truth, preds, inv_ps, k=K),
        "coverage": metrics.coverage_at_k(truth, preds, k=K, n_labels=n_labels),
        "recall": metrics.recall_at_k(truth, preds, k=K, n_labels=n_labels),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lists_agree_with_napkinxc_on_random_data(seed):
    truth, preds, train, labels = random_case(seed)
    assert any(not t for t in truth) and any(len(p) < K for p in preds)  # the edge cases are in
    inv_ps = nxc.Jain_et_al_inverse_propensity(train_csr(train, labels), A=A, B=B)
    ref = napkinxc_reference(truth, preds, inv_ps)
    got = lever_values(truth, preds, inv_ps, labels)
    for name in ref:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-9, atol=1e-12, err_msg=name)
    assert got["P"][0] > 0.05  # not a degenerate case


def test_propensities_from_training_counts_agree_with_napkinxc():
    truth, preds, train, labels = random_case(4)
    inv_ps = nxc.Jain_et_al_inverse_propensity(train_csr(train, labels), A=A, B=B)
    ref = nxc.psprecision_at_k(truth, preds, inv_ps, k=K)
    from_lists = metrics.psprecision_at_k(truth, preds, train_counts=train, k=K)
    from_csr = metrics.psprecision_at_k(truth, preds, train_counts=train_csr(train, labels), k=K)
    counts = np.asarray((train_csr(train, labels) > 0).sum(axis=0)).ravel()
    from_counts = metrics.psprecision_at_k(truth, preds, train_counts=counts, n_train_rows=len(train), k=K)
    for got in (from_lists, from_csr, from_counts):
        np.testing.assert_allclose(got, ref, rtol=1e-9)
    np.testing.assert_allclose(metrics.psndcg_at_k(truth, preds, train_counts=train, k=K),
                               nxc.psndcg_at_k(truth, preds, inv_ps, k=K), rtol=1e-9)


def test_numpy_and_scipy_inputs_agree_with_lists():
    truth, preds, train, labels = random_case(5)
    ref = lever_values(truth, preds, np.ones(labels), labels)
    indicator = np.zeros((len(truth), labels), dtype=np.int8)
    for r, t in enumerate(truth):
        indicator[r, t] = 1
    ids = np.full((len(preds), K + 2), -1, dtype=np.int64)
    scores = sp.lil_matrix((len(preds), labels))
    for r, p in enumerate(preds):
        ids[r, :len(p)] = p
        for i, l in enumerate(p):
            scores[r, l] = 10.0 - i  # best first
    for true_form in (indicator, sp.csr_matrix(indicator)):
        for pred_form in (ids, scores.tocsr()):
            got = lever_values(true_form, pred_form, np.ones(labels), labels)
            for name in ref:
                np.testing.assert_allclose(got[name], ref[name], rtol=1e-12, err_msg=f"{type(true_form)} {name}")
    # napkinxc reads a dense indicator for the truth the same way.
    np.testing.assert_allclose(metrics.precision_at_k(indicator, ids, k=K), nxc.precision_at_k(indicator, preds, k=K))


def test_edge_cases_against_napkinxc():
    inv_ps = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    truth = [[], [0, 1], [2], [3, 4]]
    preds = [[1, 2], [], [2], [4, 0, 3, 1, 2]]  # an empty-truth row, an empty ranking, a short one
    ref = napkinxc_reference(truth, preds, inv_ps)
    got = lever_values(truth, preds, inv_ps, 5)
    for name in ref:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-12, err_msg=name)
    # Recall over rows with a true label only (the engine's own definition).
    np.testing.assert_allclose(metrics.recall_at_k(truth, preds, k=1, zero_division=None), [(0 + 1 + 1 / 2) / 3])


def test_repeated_predictions_count_once():
    # napkinxc counts a repeated hit each time it appears; Lever keeps a label's first place only,
    # which agrees with napkinxc on the ranking without repeats.
    truth, preds = [[1, 2]], [[1, 1, 2]]
    np.testing.assert_allclose(metrics.precision_at_k(truth, preds, k=3), nxc.precision_at_k(truth, [[1, 2]], k=3))
    assert metrics.precision_at_k(truth, preds, k=2)[1] == 1.0  # ranking 1, 2
    assert nxc.precision_at_k(truth, preds, k=2)[1] == 1.0


def test_filters_remove_pairs_before_the_cut_offs():
    truth, preds = [[2], [0]], [[1, 2], [0, 1]]
    ref = nxc.precision_at_k(truth, [[2], [0, 1]], k=2)  # (0, 1) removed from row 0's ranking
    for filters in ([(0, 1)], np.array([[0, 1]]), sp.csr_matrix(([1], ([0], [1])), shape=(2, 3))):
        got = metrics.evaluate(truth, preds, k=2, filters=filters)["overall"]["P"]
        np.testing.assert_allclose([got["1"] / 100, got["2"] / 100], ref)


def test_evaluate_reports_bands_and_counts():
    truth, preds, train, labels = random_case(6)
    report = metrics.evaluate(truth, preds, k=[1, 5], train_counts=train, head_min_count=40, tail_max_count=30)
    overall = report["overall"]
    assert overall["rows"] == len(truth)
    assert overall["rows_with_positive"] == sum(1 for t in truth if t)
    assert set(overall["P"]) == {"1", "5"}
    bands = report["bands"]
    assert set(bands) == {"head", "torso", "tail"}
    assert sum(b["labels"] for b in bands.values()) == labels
    assert metrics.evaluate(truth, preds, k=1)["bands"] == {}
    assert "PSP" not in metrics.evaluate(truth, preds, k=1)["overall"]


def test_model_predictions_evaluate_directly(tiny_config):
    with lever.Model.train(tiny_config) as m:
        labels, _ = m.predict(["small cat", "big dog", "small bird"], k=4)  # -1 in the last slot
    assert metrics.precision_at_k([[0], [1], [2]], labels, k=1)[0] == 1.0
    assert metrics.recall_at_k([[0], [1], [2]], labels, k=np.int64(4))[3] == 1.0


def test_bad_arguments_name_what_is_wrong():
    with pytest.raises(lever.InvalidArgumentError, match=r"predictions row 1, column 0: label 9"):
        metrics.evaluate([[0], [1]], [[0], [9]], n_labels=3)
    with pytest.raises(lever.InvalidArgumentError, match=r"predictions row 0, column 1: label -3"):
        metrics.evaluate([[0]], np.array([[0, -3]]))
    with pytest.raises(lever.InvalidArgumentError, match=r"truth_labels\[1\] \(row 1\)"):
        metrics.evaluate([[0], [5]], [[0], [1]], n_labels=3)
    with pytest.raises(lever.InvalidArgumentError, match=r"train_counts\[0\] = 7"):
        metrics.evaluate([[0]], [[0]], train_counts=[7, 1], n_train_rows=5)
    with pytest.raises(lever.InvalidArgumentError, match=r"inv_propensities\[1\]"):
        metrics.psprecision_at_k([[0]], [[0]], inv_ps=[1.0, float("nan")])
    with pytest.raises(lever.InvalidArgumentError, match=r"filter_pairs\[0\] = \(4, 0\)"):
        metrics.evaluate([[0]], [[0]], filters=[(4, 0)])
    with pytest.raises(lever.ConfigError, match="propensity_a"):
        metrics.evaluate([[0]], [[0]], train_counts=[1], n_train_rows=2, propensity_a=-1)
    with pytest.raises(ValueError, match="2 rows but pred has 1"):
        metrics.evaluate([[0], [1]], [[0]])
    with pytest.raises(ValueError, match="k must be at least 1"):
        metrics.precision_at_k([[0]], [[0]], k=0)
    with pytest.raises(TypeError, match="k must be an int"):
        metrics.precision_at_k([[0]], [[0]], k=2.0)
    with pytest.raises(TypeError, match="integer label ids"):
        metrics.precision_at_k([[0]], np.array([[0.5]]))
    with pytest.raises(TypeError, match=r"true\[0\]\[0\] must be an int"):
        metrics.precision_at_k([["a"]], [[0]])
    with pytest.raises(ValueError, match="need inv_ps or train_counts"):
        metrics.psprecision_at_k([[0]], [[0]])
    with pytest.raises(ValueError, match="n_train_rows"):
        metrics.evaluate([[0]], [[0]], train_counts=[1])
