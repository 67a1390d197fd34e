"""The run config's schema: defaults, each key's range and description, and a check that lists
every problem of a config without training."""
import json
import os
import typing

from . import _ffi
from ._ffi import check, lib

MAX_CONFIG_BYTES = 1 << 20  # LEVER_MAX_CONFIG_BYTES


class ConfigProblem(typing.NamedTuple):
    """One problem of a config: the dotted key path at fault ("" when the text is not JSON) and a
    sentence naming it."""
    key: str
    message: str


def config_defaults():
    """The default run config as a dict: every key with its default."""
    status, text = _ffi.call_returning_string(lib.lever_config_defaults)
    check(status)
    return json.loads(text)


def config_schema():
    """Every config key, in document order, as a dict: "key" (e.g. "teacher.dim"), "type", "min"
    and "max" or "choices" where they apply, "default" and "description"."""
    status, text = _ffi.call_returning_string(lib.lever_config_schema)
    check(status)
    return json.loads(text)


def _config_text(config):
    """(UTF-8 JSON text, None), or (None, why the file cannot be a config)."""
    if isinstance(config, dict):
        return json.dumps(config).encode("utf-8"), None
    if not isinstance(config, (str, os.PathLike)):
        raise TypeError(f"config must be a dict or a path, not {type(config).__name__}")
    name = os.fsdecode(config)
    with open(config, "rb") as f:
        data = f.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        return None, f"{name}: a config may be at most {MAX_CONFIG_BYTES} bytes (1 MiB)"
    if b"\x00" in data:  # C would read only the part before it
        return None, f"{name}: contains a NUL byte at offset {data.index(0)}"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, f"{name}: is not valid UTF-8 (byte {e.start})"
    return data, None


def check_config(config):
    """Every problem of a run config (a dict, or the path of a JSON file) as a list of
    ConfigProblem, empty when the config is valid. Files the config names are not read."""
    text, unreadable = _config_text(config)
    if unreadable is not None:
        return [ConfigProblem("", unreadable)]
    status, problems = _ffi.call_returning_string(lib.lever_config_check, text)
    if status not in (_ffi.Status.OK, _ffi.Status.CONFIG):
        check(status)
    return [ConfigProblem(p["key"], p["message"]) for p in json.loads(problems)]
