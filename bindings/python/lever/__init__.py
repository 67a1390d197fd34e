"""Lever: extreme classification with LEVER (tail-robust teacher distillation), on CPUs.

    model = lever.Model.train("config.json")
    labels, scores = model.predict(["some text"], k=5)
"""
from ._ffi import (ABI_VERSION, CancelledError, ConfigError, CorruptModelError, DataError, InvalidArgumentError,
                   LeverError, LeverIOError, NotAModelError, Status, VersionError, lib as _lib)
from .model import Model
from . import metrics

__version__ = _lib.lever_version().decode()

__all__ = ["Model", "metrics", "LeverError", "InvalidArgumentError", "LeverIOError", "DataError", "ConfigError",
           "NotAModelError", "VersionError", "CorruptModelError", "CancelledError", "Status", "ABI_VERSION",
           "__version__"]
