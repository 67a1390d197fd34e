"""liblever.so exports exactly the functions of include/lever.h and needs no Swift runtime."""
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIB = ROOT / "build" / "lib" / "liblever.so"


def header_functions():
    text = (ROOT / "include" / "lever.h").read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"\b(lever_[a-z_]+)\s*\(", text)) - {"lever_progress_fn"}


def test_exports_are_exactly_the_header_functions():
    out = subprocess.run(["nm", "-D", "--defined-only", str(LIB)], capture_output=True, text=True, check=True).stdout
    # Upper-case type letters are global symbols, the ones another object can bind to.
    exported = {line.split()[-1] for line in out.splitlines() if line.split()[1].isupper()}
    assert exported == header_functions()


def test_no_swift_runtime_dependency():
    out = subprocess.run(["ldd", str(LIB)], capture_output=True, text=True, check=True).stdout
    assert "swift" not in out.lower(), out
    assert "not found" not in out, out
