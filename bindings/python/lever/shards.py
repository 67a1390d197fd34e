"""Label-sharded training, step by step: the engine side of ``lever.distributed``, usable without Dask
(from any scheduler, or by hand).

    model, n = lever.shards.prepare("config.json", "run/work.bin")       # phase 1: all but the linear ranker
    for i, (first, end) in enumerate(lever.shards.label_ranges(n, 8)):   # phase 2: anywhere, in any order
        lever.shards.solve("run/work.bin", first, end, f"run/shard-{i}")
    final = lever.shards.merge(model, [f"run/shard-{i}" for i in range(8)])  # phase 3
    final.save("model.lever")

With the same config (and thread count in phase 1) the merged model predicts exactly as
``Model.train`` of that config: each label's classifier depends only on its own instances and seed.
"""
import ctypes
import json
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _arrays
from ._ffi import lib, check
from .model import Model, PathLike, ProgressFn, _count, _path, _ProgressBridge


def config_text(config: Union[Dict[str, Any], PathLike]) -> Tuple[bytes, bytes]:
    """A config dict or file as (JSON bytes, folder its relative paths resolve against): the file's
    folder, or the current folder for a dict."""
    if isinstance(config, dict):
        return json.dumps(config).encode("utf-8"), os.fsencode(os.getcwd())
    if isinstance(config, (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(config))
        with open(path, "rb") as f:
            text = f.read((1 << 20) + 1)
        return text, os.fsencode(os.path.dirname(path))
    raise TypeError(f"config must be a dict or a path, not {type(config).__name__}")


def prepare(config: Union[Dict[str, Any], PathLike], work_path: PathLike,
            progress: Optional[ProgressFn] = None, base_dir: Optional[PathLike] = None) -> Tuple[Model, int]:
    """Phase 1: trains the config's model without its linear ranker's classifiers, whose problems go
    to ``work_path``. Returns (model, labels to shard); 0 labels when the config trains no linear
    ranker (the model is then complete). ``base_dir`` overrides the folder relative data paths
    resolve against."""
    text, folder = config_text(config)
    if base_dir is not None:
        folder = _path(base_dir, "base_dir")
    work = _path(work_path, "work_path")
    n = ctypes.c_size_t()
    model = Model._train(progress, lambda fn, out: lib.lever_shard_prepare(text, folder, work, fn, None, out,
                                                                             ctypes.byref(n)))
    return model, n.value


def solve(work_path: PathLike, first: int, end: int, shard_path: PathLike, threads: int = 0,
          progress: Optional[ProgressFn] = None) -> None:
    """Phase 2: the classifiers of labels ``first .. end - 1`` of a work file, written atomically to
    ``shard_path``."""
    first = _count(first, "first", 0, sys.maxsize)
    end = _count(end, "end", 1, sys.maxsize)
    threads = _arrays.int_like(threads, "threads")
    if first < 0 or end <= first:
        raise ValueError(f"need 0 <= first < end, got first={first}, end={end}")
    if not 0 <= threads <= 1024:
        raise ValueError(f"threads {threads} is out of range (0..1024)")
    work, shard = _path(work_path, "work_path"), _path(shard_path, "shard_path")
    bridge = _ProgressBridge(progress)
    status = lib.lever_shard_solve(work, first, end, threads, shard, bridge.c_fn, None)
    if bridge.error is not None:
        raise bridge.error
    check(status)


def merge(model: Model, shard_paths: Sequence[PathLike]) -> Model:
    """Phase 3: a new model, ``model`` (phase 1's) with the linear ranker merged from shard files that
    hold each label once (any order)."""
    if isinstance(shard_paths, (str, bytes, os.PathLike)):
        raise TypeError("shard_paths must be a sequence of paths, not one path")
    paths = [_path(p, "shard path") for p in shard_paths]
    if not paths:
        raise ValueError("no shard paths given")
    array = (ctypes.c_char_p * len(paths))(*paths)
    out = ctypes.c_void_p()
    check(lib.lever_shard_merge(model._live(), array, len(paths), ctypes.byref(out)))
    return Model(out.value)


def merge_topk(parts: Sequence[Tuple[Any, Any]], k: int) -> Tuple[List[List[int]], List[List[float]]]:
    """Merges label shards' predictions of the same texts (each a pair labels, scores of n x k' rows from
    ``Model.predict(..., label_range=...)``) into the top ``k`` per text: by score, lower label first
    among equal scores (the engine's order), so shards covering every label give the full prediction.
    Empty slots (label -1) are skipped; rows with fewer than k labels are padded with -1 / 0."""
    if not parts:
        raise ValueError("no parts to merge")
    n = len(parts[0][0])
    if any(len(labels) != n or len(scores) != n for labels, scores in parts):
        raise ValueError("the parts do not predict the same number of texts")
    out_labels: List[List[int]] = []
    out_scores: List[List[float]] = []
    for i in range(n):
        pairs = [(int(l), float(s)) for labels, scores in parts for l, s in zip(labels[i], scores[i]) if l >= 0]
        pairs.sort(key=lambda p: (-p[1], p[0]))
        pairs = pairs[:k] + [(-1, 0.0)] * (k - min(k, len(pairs)))
        out_labels.append([l for l, _ in pairs])
        out_scores.append([s for _, s in pairs])
    return out_labels, out_scores


def label_ranges(n_labels: int, shards: int) -> List[Tuple[int, int]]:
    """``n_labels`` labels split into at most ``shards`` contiguous ranges of near-equal size."""
    if n_labels < 0 or shards < 1:
        raise ValueError(f"need n_labels >= 0 and shards >= 1, got {n_labels}, {shards}")
    shards = min(shards, n_labels)
    return [(n_labels * i // shards, n_labels * (i + 1) // shards) for i in range(shards)]
