"""Label-sharded training and partitioned batch prediction on Dask (``pip install 'lever-xc[distributed]'``).

    import lever.distributed
    lever.distributed.train("config.json")          # the config's "distributed" section says where
    lever.distributed.predict("model.lever", "texts.txt", "predictions.txt", k=100)

Dask only schedules; every computation is the engine's (``lever.shards``). Training runs in three phases:
1. one task trains everything but the linear ranker's classifiers (teacher, student, candidate sources)
   and writes their per-label problems to a work file;
2. label ranges of the work file are solved into shard files, one task per shard, on any worker;
3. one task merges the shards into the phase-1 model and writes the output model.
The model equals single-process training's (same config and ``threads``): each label's classifier
depends only on its own instances and seed. Files written by tasks (work, shards, output) are written
atomically, so a task retried after its worker died never leaves a half-written file; the output model
appears only after the merge succeeded.

Paths (data, work folder, output, texts) must name the same files on every worker and the client, e.g.
on a shared filesystem; the client sends only small messages (config text, paths, label ranges).
"""
import argparse
import contextlib
import ctypes
import dataclasses
import json
import os
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import shards as _shards
from ._ffi import CancelledError
from .config import config_defaults
from .model import Model, PathLike, ProgressFn

__all__ = ["train", "predict", "TrainResult"]


@dataclasses.dataclass
class TrainResult:
    """What `train` did: the model file written, the seconds of each phase (prepare, shards, merge),
    the label shards solved and the workers the scheduler had."""
    output: str
    seconds: Dict[str, float]
    shards: int
    workers: int


def _dask():
    try:
        import distributed
    except ImportError as e:  # an optional extra
        raise ImportError("lever.distributed needs Dask: pip install 'lever-xc[distributed]'") from e
    return distributed


# ---- Worker side ------------------------------------------------------------------------------

def _reporter(topic: str, cancel: str, label: str) -> Callable[[str, float, str], Optional[bool]]:
    """A progress callback for the engine inside a task: sends (stage, fraction, message) to the
    client as a Dask event, at most twice a second, and cancels when the client set the run's event."""
    distributed = _dask()
    worker = distributed.get_worker()
    last = [0.0]

    def report(stage: str, fraction: float, message: str) -> Optional[bool]:
        now = time.monotonic()
        if now - last[0] < 0.5 and fraction < 1.0:
            return None
        last[0] = now
        worker.log_event(topic, {"task": label, "stage": stage, "fraction": fraction, "message": message})
        if distributed.Event(cancel).is_set():
            return False
        return None
    return report


def _stop_if_cancelled(cancel: str) -> None:
    """Raises CancelledError in a task once the client has stopped its run (before it writes)."""
    if _dask().Event(cancel).is_set():
        raise CancelledError(8, "the run was stopped by its client")


def _blas_threads(threads: int) -> None:
    """Lets OpenBLAS in this worker process use `threads` threads (0: one per core). Dask starts
    worker processes with OPENBLAS_NUM_THREADS=1 (its nanny's pre-spawn environment), which would
    leave the engine's GEMM stages single-threaded while the rest of a task uses `threads`. On some
    CPUs (AMD EPYC with OpenBLAS's Zen kernels) a GEMM's last bits depend on its thread count, so a
    worker runs OpenBLAS on the config's `threads`, as the CLI does for a single-process run."""
    n = threads if threads > 0 else (os.cpu_count() or 1)
    for name in ("libopenblas.so.0", "libopenblas.so"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_set_num_threads(ctypes.c_int(n))
            return
        except (OSError, AttributeError):
            continue


def _prepare_task(config: Dict[str, Any], base_dir: str, work_path: str, base_model: str,
                  topic: str, cancel: str) -> int:
    threads = config.get("threads", 0)
    _blas_threads(threads if isinstance(threads, int) else 0)
    model, n = _shards.prepare(config, work_path, progress=_reporter(topic, cancel, "prepare"), base_dir=base_dir)
    with model:
        _stop_if_cancelled(cancel)
        model.save(base_model)
    return n


def _solve_task(work_path: str, first: int, end: int, shard_path: str, threads: int,
                topic: str, cancel: str) -> str:
    _stop_if_cancelled(cancel)
    _shards.solve(work_path, first, end, shard_path, threads=threads,
                  progress=_reporter(topic, cancel, f"labels {first}..{end - 1}"))
    return shard_path


def _merge_task(base_model: str, shard_paths: List[str], out_path: str, cancel: str) -> None:
    with Model.load(base_model) as base:
        if not shard_paths:  # nothing was sharded: the phase-1 model is complete
            _stop_if_cancelled(cancel)
            base.save(out_path)
            return
        with _shards.merge(base, shard_paths) as merged:
            _stop_if_cancelled(cancel)
            merged.save(out_path)


_MODEL_CACHE: Dict[Tuple[str, int, int], Model] = {}
_MODEL_LOCK = threading.Lock()


def _cached_model(path: str) -> Model:
    """The worker process's model for `path` (one kept; reloaded when the file was replaced)."""
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_mtime_ns, st.st_ino)
    with _MODEL_LOCK:
        model = _MODEL_CACHE.get(key)
        if model is None:
            for old in _MODEL_CACHE.values():
                old.close()
            _MODEL_CACHE.clear()
            model = _MODEL_CACHE[key] = Model.load(path)
        return model


def _write_atomically(path: str, write: Callable[[Any], None]) -> None:
    tmp = f"{path}.tmp-{uuid.uuid4().hex}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read_lines(texts_path: str, start: int, end: int) -> List[str]:
    """The lines in bytes start..end, read as `lever predict` reads a text file: a UTF-8 byte-order
    mark at the file's start and a carriage return before each newline are dropped."""
    with open(texts_path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    if start == 0 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        texts = data.decode("utf-8").split("\n")
    except UnicodeDecodeError as e:
        raise ValueError(f"{texts_path}: not UTF-8 at byte {start + e.start}") from None
    if texts and texts[-1] == "" and data.endswith(b"\n"):
        texts.pop()
    return [t[:-1] if t.endswith("\r") else t for t in texts]


def _predict_range_task(model_path: str, texts_path: str, start: int, end: int, k: int,
                        labels: Tuple[int, int], threads: int, cancel: str) -> Tuple[Any, Any]:
    """One label shard's part of the prediction of lines start..end (bytes) of the texts file."""
    _stop_if_cancelled(cancel)
    _blas_threads(threads)
    texts = _read_lines(texts_path, start, end)
    if not texts:
        return [], []
    return _cached_model(model_path).predict(texts, k=k, threads=threads or None, label_range=labels)


def _predict_task(model_path: str, texts_path: str, start: int, end: int, k: int, part_path: str,
                  threads: int, cancel: str, shard_parts: Optional[List[Tuple[Any, Any]]] = None) -> Tuple[int, int]:
    """Predicts the lines in bytes start..end of the texts file into a part file (rows only, in the
    XC sparse format), or with `shard_parts` writes the merge of its label shards' predictions;
    returns (rows, labels of the model)."""
    _stop_if_cancelled(cancel)
    _blas_threads(threads)
    model = _cached_model(model_path)
    if shard_parts is not None:
        labels, scores = _shards.merge_topk(shard_parts, k)
        texts = labels
    else:
        texts = _read_lines(texts_path, start, end)
        labels, scores = model.predict(texts, k=k, threads=threads or None) if texts else ([], [])

    def write(f):
        for row_labels, row_scores in zip(labels, scores):
            f.write(" ".join(f"{int(l)}:{float(s):.9g}" for l, s in zip(row_labels, row_scores) if l >= 0))
            f.write("\n")
    _write_atomically(part_path, write)
    return len(texts), model.num_labels


def _concat_task(part_paths: List[str], rows: int, labels: int, out_path: str, cancel: str) -> None:
    _stop_if_cancelled(cancel)
    def write(f):
        f.write(f"{rows} {labels}\n")
        for p in part_paths:
            with open(p, encoding="utf-8") as part:
                for chunk in iter(lambda: part.read(1 << 20), ""):
                    f.write(chunk)
    _write_atomically(out_path, write)


# ---- Client side ------------------------------------------------------------------------------

@contextlib.contextmanager
def _connect(client, scheduler: str, workers: Optional[int]):
    """The given client; or a client of the scheduler at `scheduler`; or a local cluster of worker
    processes (one per core unless `workers`), closed afterwards."""
    if client is not None:
        yield client
        return
    distributed = _dask()
    if scheduler:
        with distributed.Client(scheduler) as c:
            yield c
        return
    n = workers or os.cpu_count() or 1
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


class _Run:
    """One driver call: its topic for workers' progress events, its cancel event, the user's callback."""

    def __init__(self, client, progress: Optional[ProgressFn]):
        self.client = client
        self.progress = progress
        self.id = uuid.uuid4().hex[:12]
        self.topic = f"lever-progress-{self.id}"
        self.cancel_name = f"lever-cancel-{self.id}"
        self.cancelled = False
        self.error: Optional[BaseException] = None
        self.lock = threading.Lock()

    def report(self, stage: str, fraction: float, message: str) -> None:
        if self.progress is None or self.cancelled:
            return
        with self.lock:
            try:
                if self.progress(stage, fraction, message) is False:
                    self.cancelled = True
            except BaseException as e:  # noqa: BLE001 - re-raised by the driver's wait loop
                self.error = e
                self.cancelled = True

    def on_event(self, event) -> None:
        _, msg = event
        self.report(f"{msg['task']}: {msg['stage']}", float(msg["fraction"]), str(msg["message"]))

    def __enter__(self):
        if self.progress is not None:
            self.client.subscribe_topic(self.topic, self.on_event)
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            with contextlib.suppress(Exception):
                self.client.unsubscribe_topic(self.topic)

    def stop(self) -> None:
        """Tells the run's tasks to stop (they check at their next progress report or before writing)."""
        with contextlib.suppress(Exception):
            _dask().Event(self.cancel_name, client=self.client).set()

    def settle(self, timeout: float = 120.0) -> None:
        """Waits until no task of this run is running on a worker (cancelled tasks that had started
        run until they notice the stop), so their folder can be removed without a task writing
        into it afterwards."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                running = [key for keys in self.client.processing().values() for key in keys]
            except Exception:  # noqa: BLE001 - a lost scheduler has no tasks left to wait for
                return
            if not any(self.id in str(key) for key in running):
                return
            time.sleep(0.2)

    def wait(self, futures: List[Any], stage: str, unit: str) -> List[Any]:
        """The futures' results, reporting (stage, fraction, rate, ETA) as they finish; the first
        error cancels the rest and is raised; a cancel from the progress callback stops the workers."""
        distributed = _dask()
        start = time.monotonic()
        pending = set(futures)
        done_count = 0
        while pending:
            if self.cancelled:
                self.stop()
                self.client.cancel(list(pending))
                if self.error is not None:
                    raise self.error
                raise CancelledError(8, f"{stage}: cancelled by the progress callback")
            try:
                done, pending = distributed.wait(list(pending), timeout=0.5, return_when="FIRST_COMPLETED")
                pending = set(pending)
            except (TimeoutError, distributed.TimeoutError):
                continue
            for f in done:
                if f.status != "finished":
                    self.stop()
                    self.client.cancel(list(pending))
                    f.result()  # raises the task's error (or KilledWorker after repeated worker deaths)
                done_count += 1
            if len(futures) > 1 and done:
                elapsed = time.monotonic() - start
                rate = done_count / elapsed if elapsed > 0 else 0.0
                eta = (len(futures) - done_count) / rate if rate > 0 else 0.0
                self.report(stage, done_count / len(futures),
                            f"{done_count}/{len(futures)} {unit}, {rate:.2f} {unit}/s, ETA {eta:.1f}s")
        return [f.result() for f in futures]


def _read_config(config: Union[Dict[str, Any], PathLike]) -> Tuple[Dict[str, Any], str]:
    text, base = _shards.config_text(config)
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ValueError(f"{config if not isinstance(config, dict) else 'config'}: not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise ValueError("the config must be a JSON object")
    return doc, os.fsdecode(base)


def _section(doc: Dict[str, Any], name: str) -> Dict[str, Any]:
    merged = dict(config_defaults()[name])
    given = doc.get(name, {})
    if isinstance(given, dict):
        merged.update(given)
    return merged


def train(config: Union[Dict[str, Any], PathLike], output: Optional[PathLike] = None, *, client=None,
          shards: Optional[int] = None, workers: Optional[int] = None, task_threads: Optional[int] = None,
          work_dir: Optional[PathLike] = None, retries: Optional[int] = None, keep_work: bool = False,
          progress: Optional[ProgressFn] = None) -> TrainResult:
    """Trains the config's model label-sharded on Dask and writes it to ``output`` (default: the
    config's output model path); returns a TrainResult (``.output`` is that path).

    The config is the single-process one (a dict, or a JSON file whose relative paths resolve against
    its folder); its ``distributed`` section gives the defaults of ``shards`` (0: four per worker),
    ``scheduler`` (a Dask scheduler address; empty: a LocalCluster of ``workers`` processes, one per
    core by default), ``work_dir`` (shared by all workers; empty: ``<output>.work``) and ``retries``.
    ``client``: an existing ``distributed.Client`` (its scheduler is used as is). ``task_threads``:
    engine threads per shard task (default: the cores per worker of a local cluster, else 0 = all of
    the worker's cores). ``progress(stage, fraction, message)`` gets the workers' stages and the
    shard count; returning False cancels (CancelledError). Raises the engine's LeverError of a
    failed task; the output path is then untouched."""
    doc, base = _read_config(config)
    dist = _section(doc, "distributed")
    out_settings = _section(doc, "output")
    if output is None:
        if not out_settings["model"]:
            raise ValueError("the config's output.model is empty: pass output=")
        output = os.path.join(base, out_settings["dir"], out_settings["model"])
    output = os.path.abspath(os.fsdecode(output))
    os.makedirs(os.path.dirname(output), exist_ok=True)
    work = os.path.abspath(os.fsdecode(work_dir) if work_dir is not None
                           else (os.path.join(base, dist["work_dir"]) if dist["work_dir"] else output + ".work"))
    retries = dist["retries"] if retries is None else retries
    run_dir = os.path.join(work, "run-" + uuid.uuid4().hex[:12])
    created_work = not os.path.exists(work)
    os.makedirs(run_dir)
    base_model, work_file = os.path.join(run_dir, "phase1.lever"), os.path.join(run_dir, "linear.work")
    local = client is None and not dist["scheduler"]
    try:
        with _connect(client, dist["scheduler"], workers) as c, _Run(c, progress) as run:
            try:
                n_workers = max(1, len(c.scheduler_info().get("workers", {})))
                if task_threads is None:
                    task_threads = max(1, (os.cpu_count() or 1) // n_workers) if local else 0
                # A task that raised is retried only where a retry can help (a shard: e.g. a storage
                # hiccup); phase 1 and the merge fail the same way again. Tasks of a lost worker are
                # rescheduled by Dask in any case.
                seconds: Dict[str, float] = {}
                t0 = time.monotonic()
                prepare = c.submit(_prepare_task, doc, base, work_file, base_model, run.topic, run.cancel_name,
                                   key=f"lever-prepare-{run.id}", pure=False)
                n_labels, = run.wait([prepare], "prepare", "tasks")
                seconds["prepare"] = time.monotonic() - t0
                t0 = time.monotonic()
                shard_paths: List[str] = []
                if n_labels > 0:
                    count = shards or dist["shards"] or 4 * n_workers
                    ranges = _shards.label_ranges(n_labels, count)
                    shard_paths = [os.path.join(run_dir, f"shard-{i:05d}") for i in range(len(ranges))]
                    futures = [c.submit(_solve_task, work_file, a, b, p, task_threads, run.topic, run.cancel_name,
                                        key=f"lever-shard-{run.id}-{i}", retries=retries, pure=False)
                               for i, ((a, b), p) in enumerate(zip(ranges, shard_paths))]
                    run.wait(futures, "shards", "shards")
                seconds["shards"] = time.monotonic() - t0
                t0 = time.monotonic()
                merge = c.submit(_merge_task, base_model, shard_paths, output, run.cancel_name,
                                 key=f"lever-merge-{run.id}", pure=False)
                run.wait([merge], "merge", "tasks")
                seconds["merge"] = time.monotonic() - t0
                run.report("done", 1.0, output)
            except BaseException:
                run.stop()
                run.settle()
                raise
    finally:
        if not keep_work:
            _remove_tree(run_dir)
            if created_work:
                with contextlib.suppress(OSError):
                    os.rmdir(work)  # only when no other run uses it
    return TrainResult(output=output, seconds=seconds, shards=len(shard_paths), workers=n_workers)


def _remove_tree(path: str) -> None:
    import shutil
    shutil.rmtree(path, ignore_errors=True)


# A partition holds at least this many texts: fewer take the engine's single-text shortlist path (an
# int8 first pass, exact but for rare near-ties), more the batch path a whole file takes.
_MIN_PARTITION = 16


def _partitions(texts_path: str, parts: int) -> List[Tuple[int, int]]:
    """Byte ranges of the texts file that start at line starts, about equal in lines, each of at least
    _MIN_PARTITION lines (unless the file is shorter)."""
    starts = [0]
    size = 0
    with open(texts_path, "rb") as f:
        for line in f:
            size += len(line)
            starts.append(size)
    lines = len(starts) - 1
    if lines == 0:
        return []
    parts = max(1, min(parts, lines // _MIN_PARTITION))
    cuts = [starts[lines * i // parts] for i in range(parts)] + [size]
    return [(cuts[i], cuts[i + 1]) for i in range(parts)]


def predict(model: PathLike, texts: PathLike, output: PathLike, k: int = 100, *, client=None,
            scheduler: str = "", workers: Optional[int] = None, partitions: Optional[int] = None,
            task_threads: Optional[int] = None, label_shards: int = 1, retries: int = 2,
            progress: Optional[ProgressFn] = None) -> int:
    """Predicts the top ``k`` labels of every line of the file ``texts`` with the model file ``model``,
    texts partitioned over the workers, and writes them to ``output`` in the XC sparse format (as
    ``lever predict --out``: a header "rows labels", then per row label:score pairs, best first);
    returns the number of rows. A worker loads the model once (mapped, shared by its tasks).
    Partitions: default four per worker, each of at least 16 texts, so every partition takes the
    batch path of the engine that a single-process prediction of the file takes, and the rows equal
    it (lines are read as ``lever predict`` reads them). Tasks that raised are retried ``retries``
    times. With ``label_shards`` > 1 each
    partition is also split by label range (``Model.predict(label_range=...)``, one task each) and
    its shards' top-k lists are merged exactly (``lever.shards.merge_topk``)."""
    model_path, texts_path = os.path.abspath(os.fsdecode(model)), os.path.abspath(os.fsdecode(texts))
    output = os.path.abspath(os.fsdecode(output))
    k, label_shards = int(k), int(label_shards)
    if k < 1 or label_shards < 1:
        raise ValueError(f"k and label_shards must be at least 1 (got {k}, {label_shards})")
    for p in (model_path, texts_path):
        if not os.path.isfile(p):
            raise FileNotFoundError(p)
    local = client is None and not scheduler
    part_dir = f"{output}.parts-{uuid.uuid4().hex[:12]}"
    os.makedirs(part_dir)
    try:
        with _connect(client, scheduler, workers) as c, _Run(c, progress) as run:
            try:
              n_workers = max(1, len(c.scheduler_info().get("workers", {})))
              if task_threads is None:
                  task_threads = max(1, (os.cpu_count() or 1) // n_workers) if local else 0
              ranges = _partitions(texts_path, partitions or 4 * n_workers)
              part_paths = [os.path.join(part_dir, f"part-{i:05d}") for i in range(len(ranges))]
              if label_shards > 1:
                  with Model.load(model_path) as m:
                      label_parts = _shards.label_ranges(m.num_labels, label_shards)
              futures = []
              for i, ((a, b), p) in enumerate(zip(ranges, part_paths)):
                  shard_parts = None
                  if label_shards > 1:
                      shard_parts = [c.submit(_predict_range_task, model_path, texts_path, a, b, k, r, task_threads,
                                              run.cancel_name, key=f"lever-predict-{run.id}-{i}-labels-{j}",
                                              retries=retries, pure=False)
                                     for j, r in enumerate(label_parts)]
                  futures.append(c.submit(_predict_task, model_path, texts_path, a, b, k, p, task_threads,
                                          run.cancel_name, shard_parts, key=f"lever-predict-{run.id}-{i}",
                                          retries=retries, pure=False))
              results = run.wait(futures, "predict", "partitions")
              rows = sum(r[0] for r in results)
              if results:
                  labels = results[0][1]
              else:
                  with Model.load(model_path) as m:
                      labels = m.num_labels
              concat = c.submit(_concat_task, part_paths, rows, labels, output, run.cancel_name,
                                key=f"lever-concat-{run.id}", retries=retries, pure=False)
              run.wait([concat], "write", "tasks")
            except BaseException:
                run.stop()
                run.settle()
                raise
    finally:
        _remove_tree(part_dir)
    return rows


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m lever.distributed train CONFIG [--output M] [--scheduler ADDR] [--shards N]`` and
    ``python -m lever.distributed predict MODEL TEXTS OUT [--k K] [--scheduler ADDR]``."""
    parser = argparse.ArgumentParser(prog="python -m lever.distributed", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="label-sharded training of a run config")
    t.add_argument("config")
    t.add_argument("--output", help="model file (default: the config's output model)")
    p = sub.add_parser("predict", help="batch prediction of a text file, partitioned over the workers")
    p.add_argument("model")
    p.add_argument("texts")
    p.add_argument("out")
    p.add_argument("--k", type=int, default=100)
    p.add_argument("--partitions", type=int)
    for q in (t, p):
        q.add_argument("--scheduler", default="", help="Dask scheduler address (default: the config's for"
                       " train; else a local cluster)")
        q.add_argument("--workers", type=int, help="local cluster: worker processes (default: one per core)")
    t.add_argument("--shards", type=int)
    args = parser.parse_args(argv)

    def show(stage, fraction, message):
        print(f"{stage} {100 * fraction:.0f}% {message}", flush=True)
    if args.command == "train":
        client = None
        with contextlib.ExitStack() as stack:
            if args.scheduler:
                client = stack.enter_context(_dask().Client(args.scheduler))
            r = train(args.config, args.output, client=client, shards=args.shards, workers=args.workers,
                      progress=show)
        times = ", ".join(f"{k} {v:.1f} s" for k, v in r.seconds.items())
        print(f"wrote {r.output}: {r.shards} shards on {r.workers} workers ({times})")
    else:
        n = predict(args.model, args.texts, args.out, k=args.k, scheduler=args.scheduler, workers=args.workers,
                    partitions=args.partitions, progress=show)
        print(f"wrote {args.out}: {n} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
