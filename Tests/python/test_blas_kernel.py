"""The OpenBLAS kernel choice: the CLI restarts itself once with OPENBLAS_CORETYPE when OpenBLAS fell
back to a generic kernel on a CPU with AVX2/AVX-512; a user's choice and LEVER_KEEP_BLAS_KERNEL are
kept; the Python package leaves the environment as it found it."""
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


def cores_used(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "LEVER_KEEP_BLAS_KERNEL")}
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


def test_python_import_leaves_the_environment_as_it_was():
    code = ("import os, lever; print(repr(os.environ.get('OPENBLAS_CORETYPE')))")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    env["PYTHONPATH"] = str(ROOT / "bindings" / "python")
    env.setdefault("LEVER_LIBRARY", str(ROOT / "build" / "lib" / "liblever.so"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "None"
    env["OPENBLAS_CORETYPE"] = "Haswell"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "'Haswell'"
