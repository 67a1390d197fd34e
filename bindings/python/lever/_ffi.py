"""The only module that touches ctypes: finds liblever, declares every function of lever.h, and
turns statuses into exceptions."""
import ctypes
import ctypes.util
import enum
import os
import pathlib

ABI_VERSION = 1  # LEVER_ABI_VERSION this binding was written for


class Status(enum.IntEnum):
    OK = 0
    INVALID_ARG = 1
    IO = 2
    DATA = 3
    CONFIG = 4
    NOT_A_MODEL = 5
    VERSION = 6
    CORRUPT = 7
    CANCELLED = 8
    NO_MEMORY = 9
    INTERNAL = 10


class LeverError(Exception):
    """A failed Lever call: `status` is a Status, `message` the library's explanation."""

    def __init__(self, status: "Status | int", message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __reduce__(self):  # pickled across processes (e.g. from a Dask worker) with both fields
        return (self.__class__, (self.status, self.message))


class InvalidArgumentError(LeverError, ValueError): pass
class LeverIOError(LeverError, OSError): pass
class DataError(LeverError): pass
class ConfigError(LeverError, ValueError): pass
class NotAModelError(LeverError): pass
class VersionError(LeverError): pass
class CorruptModelError(LeverError): pass
class CancelledError(LeverError): pass


_ERRORS = {
    Status.INVALID_ARG: InvalidArgumentError, Status.IO: LeverIOError, Status.DATA: DataError,
    Status.CONFIG: ConfigError, Status.NOT_A_MODEL: NotAModelError, Status.VERSION: VersionError,
    Status.CORRUPT: CorruptModelError, Status.CANCELLED: CancelledError,
}

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p)


def _candidates():
    override = os.environ.get("LEVER_LIBRARY")
    if override:
        yield override
    yield str(pathlib.Path(__file__).resolve().parent / "liblever.so")
    found = ctypes.util.find_library("lever")
    if found:
        yield found
    yield "liblever.so"


def _load(candidates):
    tried = []
    for path in candidates:
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path} (missing)")
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise ImportError("cannot load liblever; tried: " + "; ".join(tried) +
                      ". Build it with scripts/build.sh and set LEVER_LIBRARY, or reinstall the package.")


def _openblas_loaded():
    try:
        with open("/proc/self/maps") as f:
            return "libopenblas" in f.read()
    except OSError:
        return True


def _advised_blas_kernel():
    """The OpenBLAS kernel for this CPU when the user chose none.

    OpenBLAS picks its kernel once, when it loads, and an OpenBLAS older than the CPU (Debian 12's
    0.3.21 on recent Xeons) falls back to a generic SSE kernel that runs sgemm 3-5x slower.
    LEVER_KEEP_BLAS_KERNEL=1 turns this off."""
    if "OPENBLAS_CORETYPE" in os.environ or os.environ.get("LEVER_KEEP_BLAS_KERNEL"):
        return None
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return None
    if {"avx512f", "avx512vl", "avx512bw", "avx512dq"} <= set(flags):
        return "SkylakeX"
    if {"avx2", "fma"} <= set(flags):
        return "Haswell"
    return None


# OPENBLAS_THREAD_TIMEOUT as the CLI sets it (BLASEnvironment.threadTimeout): OpenBLAS's threads
# sleep right after a product instead of spinning on sched_yield for about 0.1 s beside Lever's threads.
_THREAD_TIMEOUT = "4"


def _blas_environment():
    """The OpenBLAS settings to give it while it loads (it reads them once), as the CLI does for itself:
    none when OpenBLAS is loaded already; a variable the user set is kept."""
    if _openblas_loaded():
        return {}
    env = {}
    kernel = _advised_blas_kernel()
    if kernel is not None:
        env["OPENBLAS_CORETYPE"] = kernel
    if "OPENBLAS_THREAD_TIMEOUT" not in os.environ:
        env["OPENBLAS_THREAD_TIMEOUT"] = _THREAD_TIMEOUT
    return env


def _load_with_blas_environment(candidates):
    """Loads liblever (and so OpenBLAS) with `_blas_environment()` set, and restores the environment."""
    env = _blas_environment()
    os.environ.update(env)
    try:
        return _load(candidates)
    finally:
        for name in env:
            del os.environ[name]


lib = _load_with_blas_environment(list(_candidates()))

_model_p = ctypes.c_void_p


class MetricsInput(ctypes.Structure):
    """lever_metrics_input of lever.h (field for field)."""
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("predictions", ctypes.POINTER(ctypes.c_int64)), ("n_rows", ctypes.c_size_t), ("width", ctypes.c_size_t),
        ("truth_indptr", ctypes.POINTER(ctypes.c_int64)), ("truth_labels", ctypes.POINTER(ctypes.c_int64)),
        ("n_labels", ctypes.c_size_t),
        ("train_counts", ctypes.POINTER(ctypes.c_int64)), ("n_train_rows", ctypes.c_size_t),
        ("inv_propensities", ctypes.POINTER(ctypes.c_double)),
        ("filter_pairs", ctypes.POINTER(ctypes.c_int64)), ("n_filter_pairs", ctypes.c_size_t),
    ]


_SIGNATURES = {
    "lever_version": ([], ctypes.c_char_p),
    "lever_abi_version": ([], ctypes.c_int),
    "lever_status_string": ([ctypes.c_int], ctypes.c_char_p),
    "lever_last_error": ([], ctypes.c_char_p),
    "lever_train": ([ctypes.c_char_p, PROGRESS_FN, ctypes.c_void_p, ctypes.POINTER(_model_p)], ctypes.c_int),
    "lever_train_file": ([ctypes.c_char_p, PROGRESS_FN, ctypes.c_void_p, ctypes.POINTER(_model_p)], ctypes.c_int),
    "lever_model_load": ([ctypes.c_char_p, ctypes.POINTER(_model_p)], ctypes.c_int),
    "lever_model_save": ([_model_p, ctypes.c_char_p], ctypes.c_int),
    "lever_model_free": ([_model_p], None),
    "lever_model_num_labels": ([_model_p, ctypes.POINTER(ctypes.c_size_t)], ctypes.c_int),
    "lever_model_label_text": ([_model_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p)], ctypes.c_int),
    "lever_model_predict": ([_model_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, ctypes.c_size_t,
                             ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_float)], ctypes.c_int),
    # Strings Lever allocates are taken as void pointers, copied, then released with lever_string_free.
    "lever_config_defaults": ([ctypes.POINTER(ctypes.c_void_p)], ctypes.c_int),
    "lever_config_schema": ([ctypes.POINTER(ctypes.c_void_p)], ctypes.c_int),
    "lever_config_check": ([ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)], ctypes.c_int),
    "lever_model_add_labels": ([_model_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, ctypes.POINTER(_model_p)],
                               ctypes.c_int),
    "lever_metrics_compute": ([ctypes.POINTER(MetricsInput), ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)],
                              ctypes.c_int),
}


class PredictOptions(ctypes.Structure):
    """lever_predict_options; fill with lib.lever_predict_options_init before setting fields."""
    _fields_ = [("struct_size", ctypes.c_uint32), ("threads", ctypes.c_uint32), ("has_score_floor", ctypes.c_int32),
                ("score_floor", ctypes.c_float), ("exclude_indptr", ctypes.POINTER(ctypes.c_int64)),
                ("exclude_ids", ctypes.POINTER(ctypes.c_int64))]


_i64_p = ctypes.POINTER(ctypes.c_int64)
_f32_p = ctypes.POINTER(ctypes.c_float)
_texts_p = ctypes.POINTER(ctypes.c_char_p)
_SIGNATURES.update({
    "lever_train_memory": ([ctypes.c_char_p, _texts_p, ctypes.c_size_t, _i64_p, _i64_p, _f32_p, _texts_p,
                            ctypes.c_size_t, PROGRESS_FN, ctypes.c_void_p, ctypes.POINTER(_model_p)], ctypes.c_int),
    "lever_model_info_json": ([_model_p, ctypes.POINTER(ctypes.c_void_p)], ctypes.c_int),
    "lever_string_free": ([ctypes.c_void_p], None),
    "lever_model_label_id": ([_model_p, ctypes.c_char_p, _i64_p], ctypes.c_int),
    "lever_model_embedding_dim": ([_model_p, ctypes.POINTER(ctypes.c_size_t)], ctypes.c_int),
    "lever_model_embed_texts": ([_model_p, _texts_p, ctypes.c_size_t, _f32_p, ctypes.c_size_t], ctypes.c_int),
    "lever_model_embed_labels": ([_model_p, ctypes.c_size_t, ctypes.c_size_t, _f32_p, ctypes.c_size_t], ctypes.c_int),
    "lever_predict_options_init": ([ctypes.POINTER(PredictOptions)], None),
    "lever_model_predict_ex": ([_model_p, _texts_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.POINTER(PredictOptions),
                                _i64_p, _f32_p], ctypes.c_int),
    "lever_model_predict_range": ([_model_p, _texts_p, ctypes.c_size_t, ctypes.c_size_t,
                                   ctypes.POINTER(PredictOptions), ctypes.c_size_t, ctypes.c_size_t, _i64_p, _f32_p],
                                  ctypes.c_int),
    "lever_shard_prepare": ([ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, PROGRESS_FN, ctypes.c_void_p,
                             ctypes.POINTER(_model_p), ctypes.POINTER(ctypes.c_size_t)], ctypes.c_int),
    "lever_shard_solve": ([ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_char_p,
                           PROGRESS_FN, ctypes.c_void_p], ctypes.c_int),
    "lever_shard_merge": ([_model_p, _texts_p, ctypes.c_size_t, ctypes.POINTER(_model_p)], ctypes.c_int),
})
for _name, (_args, _res) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.argtypes = _args
    _fn.restype = _res

if lib.lever_abi_version() != ABI_VERSION:
    raise ImportError(f"liblever has ABI version {lib.lever_abi_version()} but this binding needs {ABI_VERSION}")


def check(status: int) -> None:
    """Raises the LeverError subclass for a non-OK status, with the thread's last error message."""
    if status == Status.OK:
        return
    message = (lib.lever_last_error() or b"").decode("utf-8", "replace")
    try:
        st = Status(status)
    except ValueError:
        st = status
    raise _ERRORS.get(st, LeverError)(st, message)


def call_returning_string(fn, *args):
    """Calls fn(*args, &out) where out is a string Lever allocates: returns (status, text or None),
    the string copied and released."""
    out = ctypes.c_void_p()
    status = fn(*args, ctypes.byref(out))
    if not out.value:
        return status, None
    try:
        return status, ctypes.string_at(out.value).decode("utf-8")
    finally:
        lib.lever_string_free(out)
