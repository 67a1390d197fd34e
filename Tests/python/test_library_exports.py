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


# Mangled-name fragments of the code that only the `lever` tool needs (Sources/LeverTools): the module
# itself, the WordNet builder, the SVG chart, the text tables, the end-to-end run, bench measurements.
CLI_ONLY = ["10LeverTools", "WordNetDataset", "BandChart", "MetricsReportO5table", "MetricsReportO10comparison",
            "shortlistRecall", "Measurements", "sgemmGflops", "peakResidentMiB", "StandardStreams"]


def test_no_cli_only_code_in_the_library():
    """ARCHITECTURE.md: liblever.so holds no CLI-only code. Read from the full symbol table (the
    library keeps one; only lever_* are exported)."""
    out = subprocess.run(["nm", str(LIB)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert any("11LeverEngine" in n for n in names), "no Swift symbols to check: was liblever.so stripped?"
    leaked = sorted(n for n in names if any(fragment in n for fragment in CLI_ONLY))
    assert not leaked, f"{len(leaked)} CLI-only symbols in liblever.so, e.g. {leaked[:5]}"
