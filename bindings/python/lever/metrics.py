"""The field's ranking metrics, computed by Lever's engine (the code behind `lever eval`) through
lever_metrics_compute: P@k, nDCG@k, PSP@k, PSnDCG@k, coverage@k and recall@k, overall and by
label-frequency band.

Inputs (numpy is required here; scipy is optional):
- true labels: a list of lists of label ids, a scipy sparse matrix (entries > 0 are positives) or a
  dense 2-D numpy indicator matrix (entries > 0 are positives);
- predictions: a list of lists of label ids best first (rows may be shorter than others), a 2-D
  integer numpy array of label ids with -1 for empty slots (what Model.predict returns), or a scipy
  sparse matrix of scores (each row ranked by descending score, lower label first among ties).

Per row, a label predicted twice counts once (its first place), and filtered (row, label) pairs are
removed from the ranking before the cut-offs apply. The per-metric functions return numpy arrays
of the metric at 1..k as fractions in [0, 1], like napkinxc.metrics; `evaluate` returns the engine's
JSON report as a dict, in percent, as `lever eval --json` writes it.
"""
import ctypes
import json

from . import _ffi
from ._ffi import lib, check

try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy is a dependency of this module only
    np = None

try:
    import scipy.sparse as _sp
except ImportError:
    _sp = None

__all__ = ["evaluate", "precision_at_k", "ndcg_at_k", "psprecision_at_k", "psndcg_at_k", "coverage_at_k",
           "recall_at_k"]


def _need_numpy():
    if np is None:
        raise ImportError("lever.metrics needs numpy (pip install numpy)")


def _is_sparse(x):
    return _sp is not None and _sp.issparse(x)


def _as_k(k):
    _need_numpy()
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be an int, not {type(k).__name__}")
    if k < 1:
        raise ValueError(f"k must be at least 1 (got {k})")
    return int(k)


def _id_list(row, what):
    ids = []
    for j, v in enumerate(row):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{what}[{j}] must be an int label id, not {type(v).__name__}")
        ids.append(int(v))
    return ids


def _rows_of_ids(rows, what):
    if isinstance(rows, (str, bytes, dict)) or not hasattr(rows, "__iter__"):
        raise TypeError(f"{what} must be a list of lists of label ids, a numpy array or a scipy sparse matrix")
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes, dict)) or not hasattr(row, "__iter__"):
            raise TypeError(f"{what}[{i}] must be a list of label ids, not {type(row).__name__}")
        out.append(_id_list(row, f"{what}[{i}]"))
    return out


def _truth(true):
    """(indptr and ids as int64 arrays, rows, columns or 0)."""
    if _is_sparse(true):
        m = _sp.csr_matrix(true, copy=True)
        m.data = (m.data > 0).astype(np.int8)
        m.eliminate_zeros()
        m.sort_indices()
        return m.indptr.astype(np.int64), m.indices.astype(np.int64), m.shape[0], m.shape[1]
    if isinstance(true, np.ndarray):
        if true.ndim != 2:
            raise ValueError(f"true as a numpy array must be a 2-D indicator matrix (got {true.ndim} dimensions)")
        rows, ids = np.nonzero(true > 0)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=true.shape[0]))]).astype(np.int64)
        return indptr, ids.astype(np.int64), true.shape[0], true.shape[1]
    lists = _rows_of_ids(true, "true")
    indptr = np.zeros(len(lists) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in lists]) if lists else []
    ids = np.fromiter((l for r in lists for l in r), dtype=np.int64, count=int(indptr[-1]))
    return indptr, ids, len(lists), 0


def _predictions(pred):
    """(n_rows x width int64 array with -1 for empty slots, columns or 0)."""
    if _is_sparse(pred):
        m = _sp.csr_matrix(pred)
        width = int(np.diff(m.indptr).max()) if m.shape[0] and m.nnz else 0
        out = np.full((m.shape[0], width), -1, dtype=np.int64)
        for r in range(m.shape[0]):
            lo, hi = m.indptr[r], m.indptr[r + 1]
            order = np.lexsort((m.indices[lo:hi], -m.data[lo:hi]))
            out[r, :hi - lo] = m.indices[lo:hi][order]
        return out, m.shape[1]
    if isinstance(pred, np.ndarray):
        if pred.ndim != 2:
            raise ValueError(f"pred as a numpy array must be 2-D label ids (got {pred.ndim} dimensions)")
        if not np.issubdtype(pred.dtype, np.integer):
            raise TypeError(f"pred as a numpy array must hold integer label ids (-1 = empty), not {pred.dtype};"
                            " pass scores as a scipy sparse matrix")
        return np.ascontiguousarray(pred, dtype=np.int64), 0
    lists = _rows_of_ids(pred, "pred")
    width = max((len(r) for r in lists), default=0)
    out = np.full((len(lists), width), -1, dtype=np.int64)
    for r, row in enumerate(lists):
        out[r, :len(row)] = row
    return out, 0


def _train_counts(train_counts, n_train_rows):
    """Per-label training counts and the training row count, from counts or a label matrix."""
    if _is_sparse(train_counts) or (isinstance(train_counts, np.ndarray) and train_counts.ndim == 2):
        indptr, ids, rows, cols = _truth(train_counts)
        counts = np.bincount(_unique_per_row(indptr, ids), minlength=cols).astype(np.int64)
        return counts, rows if n_train_rows is None else n_train_rows
    if not isinstance(train_counts, np.ndarray) and any(hasattr(v, "__iter__") for v in train_counts):
        indptr, ids, rows, _ = _truth(train_counts)
        if ids.size and ids.min() < 0:
            raise ValueError(f"train_counts: label id {int(ids.min())} is negative")
        counts = np.bincount(_unique_per_row(indptr, ids)).astype(np.int64) if ids.size else np.zeros(0, np.int64)
        return counts, rows if n_train_rows is None else n_train_rows
    counts = np.asarray(train_counts)
    if counts.ndim != 1 or not (np.issubdtype(counts.dtype, np.integer) or counts.size == 0):
        raise TypeError("train_counts must be per-label integer counts, or a training label matrix")
    if n_train_rows is None:
        raise ValueError("n_train_rows is needed with per-label train_counts")
    return counts.astype(np.int64), n_train_rows


def _unique_per_row(indptr, ids):
    return np.concatenate([np.unique(ids[indptr[r]:indptr[r + 1]]) for r in range(len(indptr) - 1)] or
                          [np.zeros(0, np.int64)]).astype(np.int64)


def _filters(filters, rows):
    if filters is None:
        return None
    if _is_sparse(filters):
        coo = _sp.coo_matrix(filters)
        return np.ascontiguousarray(np.stack([coo.row, coo.col], axis=1), dtype=np.int64)
    pairs = np.asarray(list(filters) if not isinstance(filters, np.ndarray) else filters)
    if pairs.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if pairs.ndim != 2 or pairs.shape[1] != 2 or not np.issubdtype(pairs.dtype, np.integer):
        raise ValueError("filters must be (row, label) pairs of ints or a rows x labels sparse matrix")
    return np.ascontiguousarray(pairs, dtype=np.int64)


def _ptr(array, ctype):
    return None if array is None else array.ctypes.data_as(ctypes.POINTER(ctype))


def evaluate(true, pred, k=5, train_counts=None, n_train_rows=None, inv_ps=None, filters=None, n_labels=None,
             propensity_a=0.55, propensity_b=1.5, head_min_count=51, tail_max_count=5):
    """Every metric at k = 1..k (or at each k of a list), in percent, as a dict:
    {"overall": {"rows", "rows_with_positive", "labels_with_test_positive", "P": {"1": ..}, ...},
     "bands": {"head": {"train_rows", "labels", "metrics"}, "torso": ..., "tail": ...}}.

    train_counts: per-label training row counts (then n_train_rows is needed) or the training label
    matrix itself (list of lists, scipy sparse or dense indicator); it gives the propensities (Jain
    et al. with propensity_a, propensity_b) and the bands (head >= head_min_count training rows, tail
    <= tail_max_count). inv_ps: per-label inverse propensities, used instead of the formula.
    Without either, PSP and PSnDCG are absent; without train_counts, "bands" is empty.
    filters: (row, label) pairs removed from the rankings (the XC filter files), or a sparse matrix.
    n_labels: the number of labels (default: inferred from the inputs)."""
    _need_numpy()
    ks = list(range(1, _as_k(k) + 1)) if not isinstance(k, (list, tuple)) else [_as_k(x) for x in k]
    indptr, ids, rows, true_cols = _truth(true)
    predictions, pred_cols = _predictions(pred)
    if predictions.shape[0] != rows:
        raise ValueError(f"true has {rows} rows but pred has {predictions.shape[0]}")
    counts = train_rows = None
    if train_counts is not None:
        counts, train_rows = _train_counts(train_counts, n_train_rows)
    inv = None if inv_ps is None else np.ascontiguousarray(inv_ps, dtype=np.float64)
    if inv is not None and inv.ndim != 1:
        raise ValueError("inv_ps must be a 1-D sequence of per-label inverse propensities")
    pairs = _filters(filters, rows)
    if n_labels is None:
        seen = [true_cols, pred_cols, int(ids.max()) + 1 if ids.size else 0,
                int(predictions.max()) + 1 if predictions.size else 0]
        seen += [len(counts)] if counts is not None else []
        seen += [len(inv)] if inv is not None else []
        seen += [int(pairs[:, 1].max()) + 1] if pairs is not None and len(pairs) else []
        n_labels = max(max(seen), 1)
    else:
        n_labels = int(n_labels)
    if counts is not None:
        if len(counts) > n_labels:
            raise ValueError(f"train_counts covers {len(counts)} labels but there are {n_labels}")
        counts = np.concatenate([counts, np.zeros(n_labels - len(counts), np.int64)])
    if inv is not None and len(inv) != n_labels:
        raise ValueError(f"inv_ps has {len(inv)} entries but there are {n_labels} labels")
    c_in = _ffi.MetricsInput()
    c_in.struct_size = ctypes.sizeof(_ffi.MetricsInput)
    c_in.predictions, c_in.n_rows, c_in.width = _ptr(predictions, ctypes.c_int64), rows, predictions.shape[1]
    c_in.truth_indptr, c_in.truth_labels = _ptr(indptr, ctypes.c_int64), _ptr(ids, ctypes.c_int64)
    c_in.n_labels = n_labels
    if counts is not None:
        c_in.train_counts, c_in.n_train_rows = _ptr(counts, ctypes.c_int64), int(train_rows)
    c_in.inv_propensities = _ptr(inv, ctypes.c_double)
    if pairs is not None:
        c_in.filter_pairs, c_in.n_filter_pairs = _ptr(pairs, ctypes.c_int64), len(pairs)
    options = {"k": ks, "propensity_a": propensity_a, "propensity_b": propensity_b,
               "head_min_count": head_min_count, "tail_max_count": tail_max_count}
    out = ctypes.c_void_p()
    check(lib.lever_metrics_compute(ctypes.byref(c_in), json.dumps(options).encode("utf-8"), ctypes.byref(out)))
    try:
        return json.loads(ctypes.string_at(out.value).decode("utf-8"))
    finally:
        lib.lever_string_free(out)


def _at_k(name, true, pred, k, **kw):
    k = _as_k(k)
    table = evaluate(true, pred, k=k, **kw)["overall"]
    return np.array([table[name][str(i)] / 100 for i in range(1, k + 1)]), table


def precision_at_k(true, pred, k=5, n_labels=None):
    """P@1..k: hits in the top i / i, averaged over all rows."""
    return _at_k("P", true, pred, k, n_labels=n_labels)[0]


def ndcg_at_k(true, pred, k=5, n_labels=None):
    """nDCG@1..k, averaged over all rows (a row without true labels counts 0)."""
    return _at_k("nDCG", true, pred, k, n_labels=n_labels)[0]


def recall_at_k(true, pred, k=5, zero_division=0, n_labels=None):
    """Recall@1..k: hits in the top i / true labels, averaged over all rows, a row without true
    labels counting `zero_division` (napkinxc's definition). zero_division=None averages over the
    rows with true labels only (the engine's and `lever eval`'s definition)."""
    values, table = _at_k("recall", true, pred, k, n_labels=n_labels)
    if zero_division is None or table["rows"] == 0:
        return values
    with_positive, rows = table["rows_with_positive"], table["rows"]
    return (values * with_positive + zero_division * (rows - with_positive)) / rows


def coverage_at_k(true, pred, k=5, n_labels=None):
    """Coverage@1..k: distinct true labels hit in some top i / distinct true labels."""
    return _at_k("coverage", true, pred, k, n_labels=n_labels)[0]


def psprecision_at_k(true, pred, inv_ps=None, k=5, train_counts=None, n_train_rows=None, n_labels=None,
                     propensity_a=0.55, propensity_b=1.5):
    """PSP@1..k with inverse propensities `inv_ps`, or with propensities from `train_counts` (as in
    `evaluate`), normalised by the best achievable (napkinxc's normalize=True)."""
    _need_ps(inv_ps, train_counts)
    return _at_k("PSP", true, pred, k, inv_ps=inv_ps, train_counts=train_counts, n_train_rows=n_train_rows,
                 n_labels=n_labels, propensity_a=propensity_a, propensity_b=propensity_b)[0]


def psndcg_at_k(true, pred, inv_ps=None, k=5, train_counts=None, n_train_rows=None, n_labels=None,
                propensity_a=0.55, propensity_b=1.5):
    """PSnDCG@1..k with inverse propensities `inv_ps` or from `train_counts` (napkinxc's definition)."""
    _need_ps(inv_ps, train_counts)
    return _at_k("PSnDCG", true, pred, k, inv_ps=inv_ps, train_counts=train_counts, n_train_rows=n_train_rows,
                 n_labels=n_labels, propensity_a=propensity_a, propensity_b=propensity_b)[0]


def _need_ps(inv_ps, train_counts):
    if inv_ps is None and train_counts is None:
        raise ValueError("propensity-scored metrics need inv_ps or train_counts")
