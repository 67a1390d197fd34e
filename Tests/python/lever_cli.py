"""Runs the release `lever` CLI for the Python tests."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def lever_binary() -> str:
    exe = os.environ.get("LEVER_CLI", str(ROOT / ".build" / "release" / "lever-cli"))
    if not os.path.exists(exe):
        pytest.fail(f"lever CLI not found at {exe}; run scripts/test.sh (it builds it) or set LEVER_CLI")
    return exe


def run_lever(*args, check=True):
    proc = subprocess.run([lever_binary(), *map(str, args)], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"lever {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr}")
    return proc
