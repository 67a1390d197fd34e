"""The pythonic layer over the C API: Model.train / load / save / predict."""
import ctypes
import json
import os
import threading

from . import _ffi
from ._ffi import lib, check

try:
    import numpy as _np
except ImportError:  # numpy is optional
    _np = None


def _encode(text, what):
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, not {type(text).__name__}")
    return text.encode("utf-8")


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

    def __init__(self, handle):
        self._handle = ctypes.c_void_p(handle)
        self._lock = threading.Lock()

    # Construction ---------------------------------------------------------------------------
    @classmethod
    def train(cls, config, progress=None):
        """Trains from a run config: a dict (relative paths resolve against the current folder) or
        a path to a JSON file (relative paths resolve against its folder)."""
        bridge = _ProgressBridge(progress)
        out = ctypes.c_void_p()
        if isinstance(config, dict):
            status = lib.lever_train(json.dumps(config).encode("utf-8"), bridge.c_fn, None, ctypes.byref(out))
        elif isinstance(config, (str, os.PathLike)):
            status = lib.lever_train_file(os.fsencode(config), bridge.c_fn, None, ctypes.byref(out))
        else:
            raise TypeError(f"config must be a dict or a path, not {type(config).__name__}")
        if bridge.error is not None:
            if out.value:
                lib.lever_model_free(out)
            raise bridge.error
        check(status)
        return cls(out.value)

    @classmethod
    def load(cls, path):
        out = ctypes.c_void_p()
        check(lib.lever_model_load(os.fsencode(path), ctypes.byref(out)))
        return cls(out.value)

    # Use --------------------------------------------------------------------------------------
    def _live(self):
        if not self._handle.value:
            raise ValueError("the model is closed")
        return self._handle

    def save(self, path):
        check(lib.lever_model_save(self._live(), os.fsencode(path)))

    @property
    def num_labels(self):
        n = ctypes.c_size_t()
        check(lib.lever_model_num_labels(self._live(), ctypes.byref(n)))
        return n.value

    def label_text(self, label):
        if not isinstance(label, int) and not (_np is not None and isinstance(label, _np.integer)):
            raise TypeError("label must be an int")
        if label < 0:
            raise IndexError(f"label {label} is negative")
        out = ctypes.c_char_p()
        check(lib.lever_model_label_text(self._live(), int(label), ctypes.byref(out)))
        return out.value.decode("utf-8")

    def predict(self, texts, k=5):
        """Top-k labels per text, best first: (labels, scores), each n_texts x k. Slots beyond the
        labels the model can rank hold label -1 and score 0. numpy arrays when numpy is
        installed, lists of lists otherwise. A single str gives one row."""
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise ValueError(f"k must be a positive int, got {k!r}")
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
    def close(self):
        with self._lock:
            if self._handle.value:
                lib.lever_model_free(self._handle)
                self._handle = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
