"""scripts/debtags.py on small index files in Debian's control format (no network)."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

PACKAGES = """Package: foo
Version: 1.0
Description: foo tool for bars
Description-md5: aaa
Tag: role::program, implemented-in::c,
 special::not-yet-tagged

Package: libfoo1
Source: foo
Description: foo shared library
Description-md5: bbb
Tag: role::shared-lib

Package: untagged
Description: nothing to see
Description-md5: ccc

Package: onlyspecial
Description: bookkeeping only
Description-md5: ddd
Tag: special::not-yet-tagged

Package: baz_tool
Description: baz does things
Description-md5: eee
Tag: role::program, implemented-in::python
"""

TRANSLATIONS = """Package: foo
Description-md5: aaa
Description-en: foo tool for bars
 Foo reads bars.
 .
 It writes them back.

Package: baz_tool
Description-md5: eee
Description-en: baz does things
 Baz is written in Python.
"""


def build(tmp_path, share):
    (tmp_path / "Packages").write_text(PACKAGES)
    (tmp_path / "Translation-en").write_text(TRANSLATIONS)
    out = tmp_path / "out"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "debtags.py"), "--out", str(out),
                    "--packages", str(tmp_path / "Packages"), "--translations", str(tmp_path / "Translation-en"),
                    "--train-share", str(share)], check=True, capture_output=True)
    return out


def test_rows_texts_and_labels(tmp_path):
    out = build(tmp_path, 1.0)  # everything in training
    labels = (out / "Y.txt").read_text().splitlines()
    assert labels == ["implemented in c", "implemented in python", "role program", "role shared lib"]
    texts = (out / "trn_X.txt").read_text().splitlines()
    # Sorted by package name; untagged and special-only packages are left out; markup removed.
    assert texts == ["baz tool baz does things Baz is written in Python.",
                     "foo foo tool for bars Foo reads bars. It writes them back.",
                     "libfoo1 foo shared library"]
    rows = (out / "trn_X_Y.txt").read_text().splitlines()
    assert rows == ["3 4", "1:1.0 2:1.0", "0:1.0 2:1.0", "3:1.0"]
    assert (out / "tst_X.txt").read_text() == ""


def test_split_keeps_a_source_package_together(tmp_path):
    for share in (0.3, 0.5, 0.7):
        out = build(tmp_path, share)
        train = (out / "trn_X.txt").read_text()
        test = (out / "tst_X.txt").read_text()
        # foo and libfoo1 share the source package foo, so they fall on the same side (a test row whose
        # labels never occur in training is dropped, so libfoo1 may be missing from the test side).
        assert ("foo tool" in train) == ("foo shared library" in train)
        assert "foo shared library" not in test or "foo tool" in test
        header = (out / "tst_X_Y.txt").read_text().splitlines()[0].split()
        assert int(header[0]) == len(test.splitlines())
