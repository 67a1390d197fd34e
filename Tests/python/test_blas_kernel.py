"""OpenBLAS's settings: the CLI restarts itself once with OPENBLAS_CORETYPE when OpenBLAS fell back to
a generic kernel on a CPU with AVX2/AVX-512, and with OPENBLAS_THREAD_TIMEOUT when it is not set (both
in the same restart); a user's choice and LEVER_KEEP_BLAS_KERNEL are kept; the Python package leaves the
environment as it found it."""
import os
import re
import subprocess
import sys

from lever_cli import ROOT, lever_binary

GENERIC = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom"}


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        return set(next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), []))


def advised(flags):
    if {"avx512f", "avx512vl", "avx512bw", "avx512dq"} <= flags:
        return "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    return None


OURS = ("OPENBLAS_CORETYPE", "LEVER_KEEP_BLAS_KERNEL", "OPENBLAS_THREAD_TIMEOUT")


def cores_used(extra_env, timeout="4"):
    """The kernel OpenBLAS reported at each start of `lever --version` (one line per start)."""
    env = {k: v for k, v in os.environ.items() if k not in OURS}
    if timeout is not None:
        env["OPENBLAS_THREAD_TIMEOUT"] = timeout
    env.update(extra_env, OPENBLAS_VERBOSE="2")
    proc = subprocess.run([lever_binary(), "--version"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() and proc.stdout.strip()[0].isdigit(), proc.stdout
    return re.findall(r"Core: (\S+)", proc.stdout + proc.stderr)


def test_cli_uses_an_advised_kernel_only_after_a_generic_fallback():
    cores = cores_used({})
    assert 1 <= len(cores) <= 2, cores  # one start, or a start and exactly one restart
    if len(cores) == 2:
        assert cores[0] in GENERIC and cores[1] == advised(cpu_flags()), cores
    else:
        assert cores[0] not in GENERIC or advised(cpu_flags()) is None, cores


def test_cli_keeps_the_users_kernel_and_the_opt_out():
    assert cores_used({"OPENBLAS_CORETYPE": "Haswell"}) == ["Haswell"]
    assert len(cores_used({"LEVER_KEEP_BLAS_KERNEL": "1"})) == 1


def test_cli_restarts_once_for_the_thread_timeout_and_keeps_the_users():
    # Without OPENBLAS_THREAD_TIMEOUT: exactly one restart, whatever the kernel (the kernel's advice, if
    # any, comes in the same restart), and the second start chose the advised kernel if there is one.
    cores = cores_used({}, timeout=None)
    assert len(cores) == 2, cores
    if cores[0] in GENERIC and advised(cpu_flags()):
        assert cores[1] == advised(cpu_flags()), cores
    else:
        assert cores[1] == cores[0], cores
    # A user's value is kept: no restart (with the user's kernel too).
    assert cores_used({"OPENBLAS_CORETYPE": "Haswell"}, timeout="10") == ["Haswell"]


def test_python_import_leaves_the_environment_as_it_was():
    code = ("import os, lever; print(repr(os.environ.get('OPENBLAS_CORETYPE')),"
            " repr(os.environ.get('OPENBLAS_THREAD_TIMEOUT')))")
    env = {k: v for k, v in os.environ.items() if k not in OURS}
    env["PYTHONPATH"] = str(ROOT / "bindings" / "python")
    env.setdefault("LEVER_LIBRARY", str(ROOT / "build" / "lib" / "liblever.so"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "None None"
    env.update(OPENBLAS_CORETYPE="Haswell", OPENBLAS_THREAD_TIMEOUT="10")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "'Haswell' '10'"


def test_python_loads_openblas_with_the_thread_timeout(monkeypatch):
    # While liblever (and so OpenBLAS) loads, the package sets OPENBLAS_THREAD_TIMEOUT unless the user
    # set one, as the CLI does for itself; afterwards the environment is as it was. Once OpenBLAS is
    # loaded, nothing is set (it would not read it).
    from lever import _ffi
    seen = []
    monkeypatch.setattr(_ffi, "_load", lambda c: seen.append(os.environ.get("OPENBLAS_THREAD_TIMEOUT")))
    monkeypatch.setattr(_ffi, "_openblas_loaded", lambda: False)
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    _ffi._load_with_blas_environment([])
    assert seen == [_ffi._THREAD_TIMEOUT] and "OPENBLAS_THREAD_TIMEOUT" not in os.environ
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "10")
    _ffi._load_with_blas_environment([])
    assert seen[-1] == "10" and os.environ["OPENBLAS_THREAD_TIMEOUT"] == "10"
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT")
    monkeypatch.setattr(_ffi, "_openblas_loaded", lambda: True)
    assert _ffi._blas_environment() == {}
