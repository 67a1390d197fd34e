"""The pythonic layer over the C API: Model.train / load / save / predict / info / embed."""
import collections.abc
import ctypes
import json
import numbers
import operator
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, SupportsIndex, Tuple, Union

from . import _arrays, _ffi
from ._ffi import lib, check

try:
    import numpy as _np
except ImportError:  # numpy is optional
    _np = None

if TYPE_CHECKING:
    import numpy

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
"""A file path: str, bytes or os.PathLike."""
ProgressFn = Callable[[str, float, str], Optional[bool]]
"""A progress callback: (stage, fraction 0..1, message); returning False cancels."""
Labels = Union["numpy.ndarray", List[List[int]]]
Scores = Union["numpy.ndarray", List[List[float]]]


def _encode(text, what):
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, not {type(text).__name__}")
    if "\x00" in text:  # C would see only the part before it
        raise ValueError(f"{what} contains a NUL character at index {text.index(chr(0))}")
    return text.encode("utf-8")


def _path(path, what="path"):
    encoded = os.fsencode(path)
    if b"\x00" in encoded:  # C would open the path cut at the NUL
        raise ValueError(f"{what} contains a NUL byte: {encoded!r}")
    return encoded


def _count(value, what, low, high):
    """An int-like (int, numpy integer; not bool) in [low, high], as an int."""
    n = _arrays.int_like(value, what)
    if n < low or n > high:
        raise (IndexError if what == "label" else ValueError)(f"{what} {n} is out of range ({low}..{high})")
    return n


def _texts(texts):
    """A single str (one row) or a sequence of str; mappings, sets and bytes are refused rather
    than iterated (a dict would give its keys, a set an arbitrary order)."""
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, bytearray, memoryview)):
        raise TypeError("texts must be a str or a sequence of str, not bytes (decode it first)")
    unordered = (collections.abc.Mapping, collections.abc.Set)
    if isinstance(texts, unordered) or not isinstance(texts, collections.abc.Iterable):
        raise TypeError(f"texts must be a str or a sequence of str, not {type(texts).__name__}")
    return texts


class _ProgressBridge:
    """Wraps a Python progress callable as a C callback. The callable gets (stage, fraction,
    message); returning False cancels. An exception inside it cancels too and is re-raised."""

    def __init__(self, fn):
        self.fn = fn
        self.error = None
        self.c_fn = _ffi.PROGRESS_FN(self._call) if fn is not None else _ffi.PROGRESS_FN()

    def _call(self, stage, fraction, message, _user):
        try:
            keep_going = self.fn(stage.decode("utf-8", "replace"), fraction, message.decode("utf-8", "replace"))
            return 1 if keep_going is False else 0
        except BaseException as e:  # noqa: BLE001 - re-raised after the C call returns
            self.error = e
            return 1


class Model:
    """A trained Lever model. Immutable: predict may be called from many threads at once."""

    def __init__(self, handle: int) -> None:
        """Wraps a live lever_model handle and owns it; use Model.train or Model.load instead."""
        self._handle = ctypes.c_void_p(handle)
        self._lock = threading.Lock()

    # A Model owns its handle: a copy would free it a second time (or free a newer model) when
    # dropped. Share the instance instead (it is thread-safe), or save and load.
    def __copy__(self):
        raise TypeError("lever.Model cannot be copied; share the instance (it is thread-safe) or save/load it")

    def __deepcopy__(self, memo):
        raise TypeError("lever.Model cannot be copied; share the instance (it is thread-safe) or save/load it")

    def __reduce_ex__(self, protocol):
        raise TypeError("lever.Model cannot be pickled; save it with Model.save and load it with Model.load")

    def __reduce__(self):
        raise TypeError("lever.Model cannot be pickled; save it with Model.save and load it with Model.load")

    # Construction ---------------------------------------------------------------------------
    @classmethod
    def train(cls, texts: Any, labels: Any = None, label_texts: Optional[Sequence[str]] = None,
              config: Union[None, str, Dict[str, Any]] = None, progress: Optional[ProgressFn] = None) -> "Model":
        """Trains a model, from data in memory or from files.

        In memory: ``Model.train(texts, labels, label_texts, config=None, progress=None)``. ``texts`` is
        a sequence of str (one training row each); ``labels`` gives each row's label ids (0-based
        indices into ``label_texts``): a list of lists of ints, a list of ``{id: value}`` dicts (values
        finite and > 0), or a scipy.sparse matrix (rows x labels, its values as the dicts'); ``config``
        is a run config without its ``data`` section, as a dict or a JSON str (None: the defaults).

        From files: ``Model.train(config, progress=None)`` (the same as ``Model.train_files``).

        ``progress(stage, fraction, message)`` is called during training; returning False cancels
        (raising CancelledError); an exception it raises cancels training and is re-raised. Raises
        ConfigError, DataError, LeverIOError and the other LeverError subclasses with the library's
        message."""
        if labels is None and label_texts is None:
            if config is not None:
                raise TypeError("Model.train(config) takes the config first; config= is for in-memory training")
            return cls.train_files(texts, progress)
        if label_texts is None and callable(labels) and progress is None:
            return cls.train_files(texts, labels)  # the older positional form Model.train(config, progress)
        if labels is None or label_texts is None:
            raise TypeError("in-memory training needs texts, labels and label_texts")
        if config is None:
            config_json = b"{}"
        elif isinstance(config, dict):
            config_json = json.dumps(config).encode("utf-8")
        elif isinstance(config, str):
            config_json = _encode(config, "config")
        else:
            raise TypeError(f"config must be a dict or a JSON str, not {type(config).__name__}")
        c_texts, n_rows = _arrays.c_texts(_texts(texts), _encode, "texts")
        c_labels, n_labels = _arrays.c_texts(_texts(label_texts), _encode, "label_texts")
        rows = _arrays.csr_rows(labels, n_rows, n_labels, "labels", values_allowed=True)
        return cls._train(progress, lambda fn, out: lib.lever_train_memory(
            config_json, c_texts, n_rows, rows.indptr, rows.ids, rows.values, c_labels, n_labels, fn, None, out))

    @classmethod
    def train_files(cls, config: Union[Dict[str, Any], PathLike],
                    progress: Optional[ProgressFn] = None) -> "Model":
        """Trains from a run config naming data files: a dict (relative paths resolve against the
        current folder) or a path to a JSON file (relative paths resolve against its folder)."""
        if isinstance(config, dict):
            text = json.dumps(config).encode("utf-8")
            return cls._train(progress, lambda fn, out: lib.lever_train(text, fn, None, out))
        if isinstance(config, (str, os.PathLike)):
            path = _path(config, "config")
            return cls._train(progress, lambda fn, out: lib.lever_train_file(path, fn, None, out))
        raise TypeError(f"config must be a dict or a path, not {type(config).__name__}")

    @classmethod
    def _train(cls, progress: Optional[ProgressFn], call: Callable[[Any, Any], int]) -> "Model":
        bridge = _ProgressBridge(progress)
        out = ctypes.c_void_p()
        status = call(bridge.c_fn, ctypes.byref(out))
        if bridge.error is not None:
            if out.value:
                lib.lever_model_free(out)
            raise bridge.error
        check(status)
        return cls(out.value)

    @classmethod
    def load(cls, path: PathLike) -> "Model":
        """Loads a model file written by Model.save, lever_model_save or `lever train`. Raises
        NotAModelError, VersionError, CorruptModelError or LeverIOError naming the file."""
        out = ctypes.c_void_p()
        check(lib.lever_model_load(_path(path), ctypes.byref(out)))
        return cls(out.value)

    # Use --------------------------------------------------------------------------------------
    def _live(self):
        if not self._handle.value:
            raise ValueError("the model is closed")
        return self._handle

    def save(self, path: PathLike) -> None:
        """Writes the model to path atomically: a regular file or a missing path is replaced only
        once the new file is complete; a folder, device or FIFO is refused (LeverIOError)."""
        check(lib.lever_model_save(self._live(), _path(path)))

    @property
    def num_labels(self) -> int:
        """The number of labels the model ranks (ids 0..num_labels-1)."""
        n = ctypes.c_size_t()
        check(lib.lever_model_num_labels(self._live(), ctypes.byref(n)))
        return n.value

    def label_text(self, label: SupportsIndex) -> str:
        """The text of label id `label` (an int or numpy integer); IndexError when out of range."""
        label = _count(label, "label", 0, sys.maxsize)  # beyond size_t, ctypes would wrap it
        out = ctypes.c_char_p()
        check(lib.lever_model_label_text(self._live(), label, ctypes.byref(out)))
        return out.value.decode("utf-8")

    def predict(self, texts: Union[str, Sequence[str]], k: SupportsIndex = 5, threads: Optional[SupportsIndex] = None,
                exclude: Any = None, min_score: Optional[float] = None,
                label_range: Optional[Tuple[int, int]] = None) -> Tuple[Labels, Scores]:
        """Top-k labels per text, best first: (labels, scores), each n_texts x k. Slots beyond the
        labels the model can rank hold label -1 and score 0. numpy arrays when numpy is
        installed, lists of lists otherwise. A single str gives one row; otherwise texts is a sequence
        of str (not a dict, set or bytes). k is an int or numpy integer >= 1. A text containing NUL
        raises ValueError.

        threads: worker threads (None or 0: the library's default). exclude: per text, label ids never
        returned (a sequence of n_texts sequences, or a scipy.sparse matrix n_texts x num_labels).
        min_score: labels scoring below it are not returned (their slots hold -1 / 0).
        label_range: (first, end): only labels first .. end - 1, ranked as in the full prediction (a
        label shard's part: the rows of ranges covering all labels, merged by score, are the full
        rows; ``lever.shards.merge_topk``)."""
        texts = _texts(texts)
        k = _count(k, "k", 1, sys.maxsize)
        c_texts, n = _arrays.c_texts(texts, _encode, "texts")
        options = _ffi.PredictOptions()
        lib.lever_predict_options_init(ctypes.byref(options))
        if threads is not None:
            options.threads = _count(threads, "threads", 0, 1024)
        if min_score is not None:
            if isinstance(min_score, bool) or not isinstance(min_score, numbers.Real):
                raise TypeError(f"min_score must be a number, not {type(min_score).__name__}")
            options.has_score_floor = 1
            options.score_floor = float(min_score)
        first = end = None
        if label_range is not None:
            if isinstance(label_range, (str, bytes)) or len(label_range) != 2:
                raise TypeError("label_range must be a pair (first, end)")
            first = _count(label_range[0], "label_range first", 0, sys.maxsize)
            end = _count(label_range[1], "label_range end", 1, sys.maxsize)
        rows = None
        if exclude is not None:
            rows = _arrays.csr_rows(exclude, n, self.num_labels, "exclude", values_allowed=False)
            options.exclude_indptr, options.exclude_ids = rows.indptr, rows.ids
        # ctypes arrays, which numpy views without a copy: numpy's `.ctypes.data_as` costs more than a
        # single text's whole prediction path in Python.
        labels = (ctypes.c_int64 * max(n * k, 1))()
        scores = (ctypes.c_float * max(n * k, 1))()
        if first is None:
            check(lib.lever_model_predict_ex(self._live(), c_texts, n, k, ctypes.byref(options), labels, scores))
        else:
            check(lib.lever_model_predict_range(self._live(), c_texts, n, k, ctypes.byref(options), first, end,
                                                labels, scores))
        if _np is not None:
            return (_np.frombuffer(labels, dtype=_np.int64, count=n * k).reshape(n, k),
                    _np.frombuffer(scores, dtype=_np.float32, count=n * k).reshape(n, k))
        return ([list(labels[i * k:(i + 1) * k]) for i in range(n)],
                [list(scores[i * k:(i + 1) * k]) for i in range(n)])

    # Description, lookup, embeddings ------------------------------------------------------------
    @property
    def info(self):
        """A dict describing the model: format and library versions, method and its parts, sizes,
        the config it was trained with and its training figures (see lever_model_info_json)."""
        out = ctypes.c_void_p()
        check(lib.lever_model_info_json(self._live(), ctypes.byref(out)))
        try:
            return json.loads(ctypes.string_at(out.value).decode("utf-8"))
        finally:
            lib.lever_string_free(out)

    def label_id(self, text):
        """The id of the label whose text is exactly `text` (the lowest if several share it), or
        None when no label has it."""
        out = ctypes.c_int64()
        check(lib.lever_model_label_id(self._live(), _encode(text, "text"), ctypes.byref(out)))
        return None if out.value < 0 else out.value

    @property
    def embedding_dim(self):
        """The dimension of the teacher encoder's embeddings; 0 for a knn model (no encoder)."""
        out = ctypes.c_size_t()
        check(lib.lever_model_embedding_dim(self._live(), ctypes.byref(out)))
        return out.value

    def _float_rows(self, n, dim):
        if _np is not None:
            out = _np.zeros((n, dim), dtype=_np.float32)
            return out, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        out = (ctypes.c_float * max(n * dim, 1))()
        return out, out

    def _as_rows(self, out, n, dim):
        return out if _np is not None else [list(out[i * dim:(i + 1) * dim]) for i in range(n)]

    def embed(self, texts):
        """The teacher encoder's embeddings of texts: an (n, dim) float32 numpy array (lists without
        numpy), unit rows (zero for a text without known features). A knn model raises
        InvalidArgumentError."""
        texts = _texts(texts)
        c_texts, n = _arrays.c_texts(texts, _encode, "texts")
        dim = self.embedding_dim
        out, p = self._float_rows(n, dim)
        check(lib.lever_model_embed_texts(self._live(), c_texts, n, p, dim))
        return self._as_rows(out, n, dim)

    def label_embeddings(self, ids=None):
        """The teacher's label embeddings, (len(ids), dim) (all labels when ids is None); a label's
        teacher score for a text is the dot product with its `embed` row."""
        dim = self.embedding_dim
        if dim == 0:  # a knn model: the library says so
            check(lib.lever_model_embed_labels(self._live(), 0, 0, None, 0))
        if ids is None:
            n = self.num_labels
            out, p = self._float_rows(n, dim)
            check(lib.lever_model_embed_labels(self._live(), 0, n, p, dim))
            return self._as_rows(out, n, dim)
        if isinstance(ids, (str, bytes)) or not isinstance(ids, collections.abc.Iterable):
            raise TypeError(f"ids must be a sequence of label ids, not {type(ids).__name__}")
        ids = [_count(i, "label", 0, sys.maxsize) for i in ids]
        out, p = self._float_rows(len(ids), dim)
        row = ctypes.cast(p, ctypes.c_void_p).value
        for j, label in enumerate(ids):
            dst = ctypes.cast(row + j * dim * ctypes.sizeof(ctypes.c_float), ctypes.POINTER(ctypes.c_float))
            check(lib.lever_model_embed_labels(self._live(), label, 1, dst, dim))
        return self._as_rows(out, len(ids), dim)
    def add_labels(self, texts):
        """A NEW Model with labels appended (ids num_labels, num_labels + 1, ...), each given by its
        text and scored through the teacher's encoder, without retraining (zero-shot). This model is
        unchanged. Texts must be non-empty (a text may repeat a label's text); a kNN model raises
        InvalidArgumentError. A single str adds one label."""
        texts = _texts(texts)
        encoded = [_encode(t, f"texts[{i}]") for i, t in enumerate(texts)]
        n = len(encoded)
        c_texts = (ctypes.c_char_p * max(n, 1))(*encoded)
        out = ctypes.c_void_p()
        check(lib.lever_model_add_labels(self._live(), c_texts, n, ctypes.byref(out)))
        return Model(out.value)

    # Lifetime ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Frees the model now (later calls raise ValueError); safe to call twice."""
        with self._lock:
            if self._handle.value:
                lib.lever_model_free(self._handle)
                self._handle = ctypes.c_void_p()

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
