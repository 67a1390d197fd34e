"""Python data -> the C API's arrays: CSR rows (label rows for in-memory training, exclusion lists for
prediction) and arrays of UTF-8 texts. numpy and scipy are optional; scipy is imported only when a
scipy.sparse matrix is passed."""
import collections.abc
import ctypes
import operator

try:
    import numpy as _np
except ImportError:  # numpy is optional
    _np = None

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def _is_scipy_sparse(obj):
    if not type(obj).__module__.startswith("scipy.sparse"):
        return False
    import scipy.sparse  # only reached when the caller passed a scipy object
    return scipy.sparse.issparse(obj)


def int_like(value, what):
    """An int or numpy integer (not bool) as an int; TypeError naming `what` otherwise."""
    if isinstance(value, bool) or (_np is not None and isinstance(value, _np.bool_)):
        raise TypeError(f"{what} must be an int, not bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an int, not {type(value).__name__}") from None


def _label_id(value, what):
    i = int_like(value, what)
    if not _INT64_MIN <= i <= _INT64_MAX:
        raise ValueError(f"{what} = {i} does not fit in 64 bits")
    return i


class CSR:
    """int64 indptr and ids and optional float32 values, as C pointers (kept alive by this object)."""

    def __init__(self, indptr, ids, values):
        if _np is not None:
            self._arrays = [_np.ascontiguousarray(indptr, dtype=_np.int64),
                            _np.ascontiguousarray(ids, dtype=_np.int64)]
            self.indptr = self._arrays[0].ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
            self.ids = self._arrays[1].ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
            self.values = None
            if values is not None:
                self._arrays.append(_np.ascontiguousarray(values, dtype=_np.float32))
                self.values = self._arrays[2].ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        else:
            self.indptr = (ctypes.c_int64 * len(indptr))(*indptr)
            self.ids = (ctypes.c_int64 * max(len(ids), 1))(*ids)
            self.values = None if values is None else (ctypes.c_float * max(len(values), 1))(*values)


def csr_rows(rows, n_rows, n_labels, what, values_allowed):
    """Per-row label ids as CSR. `rows` is a scipy.sparse matrix (n_rows x n_labels), or a sequence of
    n_rows rows, each a sequence of label ids or (when values_allowed) a mapping {label id: value}.
    Ranges, order and values are checked by the library, which names the row."""
    if _is_scipy_sparse(rows):
        m = rows.tocsr()
        if m.shape != (n_rows, n_labels):
            raise ValueError(f"{what} is a {m.shape[0]} x {m.shape[1]} matrix; expected {n_rows} x {n_labels}")
        values = m.data if values_allowed else None
        return CSR(m.indptr, m.indices, values)
    if isinstance(rows, (str, bytes, bytearray, collections.abc.Mapping, collections.abc.Set)) or \
            (_np is not None and isinstance(rows, _np.ndarray)) or not isinstance(rows, collections.abc.Sequence):
        kinds = "lists of label ids" + (", {id: value} dicts" if values_allowed else "")
        raise TypeError(f"{what} must be a sequence of {kinds}, or a scipy.sparse matrix; "
                        f"not {type(rows).__name__}")
    if len(rows) != n_rows:
        raise ValueError(f"{what} has {len(rows)} rows but there are {n_rows} texts")
    indptr, ids, values = [0], [], []
    weighted = False
    for r, row in enumerate(rows):
        if isinstance(row, collections.abc.Mapping):
            if not values_allowed:
                raise TypeError(f"{what}[{r}] must be a sequence of label ids, not a mapping")
            weighted = True
            for key, value in row.items():
                ids.append(_label_id(key, f"{what}[{r}] key"))
                try:
                    values.append(float(value))
                except (TypeError, ValueError):
                    raise TypeError(f"{what}[{r}][{key}] must be a number, not {type(value).__name__}") from None
        elif isinstance(row, (str, bytes)) or not isinstance(row, collections.abc.Iterable):
            raise TypeError(f"{what}[{r}] must be a sequence of label ids, not {type(row).__name__}")
        else:
            for i, label in enumerate(row):
                ids.append(_label_id(label, f"{what}[{r}][{i}]"))
                values.append(1.0)
        indptr.append(len(ids))
    return CSR(indptr, ids, values if weighted else None)


def c_texts(texts, encode, what):
    """A ctypes char* array of the UTF-8 texts (at least one slot) and its length."""
    encoded = [encode(t, f"{what}[{i}]") for i, t in enumerate(texts)]
    return (ctypes.c_char_p * max(len(encoded), 1))(*encoded), len(encoded)
