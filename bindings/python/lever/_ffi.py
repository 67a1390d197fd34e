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


lib = _load(list(_candidates()))

_model_p = ctypes.c_void_p
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
}
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
