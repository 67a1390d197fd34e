"""The pythonic layer over the C API: Model.train / load / save / predict."""
import collections.abc
import ctypes
import json
import operator
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, SupportsIndex, Tuple, Union

from . import _ffi
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
    if isinstance(value, bool) or (_np is not None and isinstance(value, _np.bool_)):
        raise TypeError(f"{what} must be an int, not bool")
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an int, not {type(value).__name__}") from None
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
    def train(cls, config: Union[Dict[str, Any], PathLike], progress: Optional[ProgressFn] = None) -> "Model":
        """Trains from a run config: a dict (relative paths resolve against the current folder) or
        a path to a JSON file (relative paths resolve against its folder).

        progress, when given, is called from the training thread as progress(stage, fraction,
        message); returning False cancels (CancelledError), and an exception it raises cancels
        training and is re-raised. Raises ConfigError, DataError, LeverIOError and the other
        LeverError subclasses with the library's message."""
        bridge = _ProgressBridge(progress)
        out = ctypes.c_void_p()
        if isinstance(config, dict):
            status = lib.lever_train(json.dumps(config).encode("utf-8"), bridge.c_fn, None, ctypes.byref(out))
        elif isinstance(config, (str, os.PathLike)):
            status = lib.lever_train_file(_path(config, "config"), bridge.c_fn, None, ctypes.byref(out))
        else:
            raise TypeError(f"config must be a dict or a path, not {type(config).__name__}")
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

    def predict(self, texts: Union[str, Sequence[str]], k: SupportsIndex = 5) -> Tuple[Labels, Scores]:
        """Top-k labels per text, best first: (labels, scores), each n_texts x k. Slots beyond the
        labels the model can rank hold label -1 and score 0. numpy arrays when numpy is
        installed, lists of lists otherwise. A single str gives one row; otherwise texts is a sequence
        of str (not a dict, set or bytes). k is an int or numpy integer >= 1. A text containing NUL
        raises ValueError."""
        texts = _texts(texts)
        k = _count(k, "k", 1, sys.maxsize)
        encoded = [_encode(t, f"texts[{i}]") for i, t in enumerate(texts)]
        n = len(encoded)
        c_texts = (ctypes.c_char_p * max(n, 1))(*encoded)
        if _np is not None:
            labels = _np.empty((n, k), dtype=_np.int64)
            scores = _np.empty((n, k), dtype=_np.float32)
            lp = labels.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
            sp = scores.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        else:
            labels = (ctypes.c_int64 * max(n * k, 1))()
            scores = (ctypes.c_float * max(n * k, 1))()
            lp, sp = labels, scores
        check(lib.lever_model_predict(self._live(), c_texts, n, k, lp, sp))
        if _np is not None:
            return labels, scores
        return ([list(labels[i * k:(i + 1) * k]) for i in range(n)],
                [list(scores[i * k:(i + 1) * k]) for i in range(n)])

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
