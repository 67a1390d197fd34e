"""Lever: extreme classification with LEVER (tail-robust teacher distillation), on CPUs.

    model = lever.Model.train("config.json")
    labels, scores = model.predict(["some text"], k=5)
    lever.check_config({"teacher": {"dim": 1}})  # [ConfigProblem(key="teacher.dim", ...)]; [] when valid
"""
from ._ffi import (ABI_VERSION, CancelledError, ConfigError, CorruptModelError, DataError, InvalidArgumentError,
                   LeverError, LeverIOError, NotAModelError, Status, VersionError, lib as _lib)
from .config import ConfigProblem, check_config, config_defaults, config_schema
from .model import Model
from . import metrics

__version__ = _lib.lever_version().decode()

__all__ = ["Model", "metrics", "LeverError", "InvalidArgumentError", "LeverIOError", "DataError", "ConfigError",
           "NotAModelError", "VersionError", "CorruptModelError", "CancelledError", "Status", "ABI_VERSION",
           "__version__", "config_defaults", "config_schema", "check_config", "ConfigProblem"]
