#!/usr/bin/env python3
"""Build the Debtags dataset: a Debian package's description -> its Debtags tags.

A real, head-heavy XC set of another shape than WordNet (a few hundred labels, tens of thousands of
rows, most rows with several frequent labels). Sources: Debian bookworm's `main` package index (the
`Tag:` field of each binary package) and its English descriptions (`Translation-en`, joined on
`Description-md5`), fetched by apt from the Debian mirror into a private lists directory (nothing
of the system's apt state changes). Or pass both files (plain or .lz4) with --packages and
--translations.

- Row text: the package name (with `-` and `_` as spaces), its one-line summary and its long
  description (Debian's paragraph markup removed).
- Labels: its tags except the bookkeeping facet `special::` (e.g. `special::not-yet-tagged`);
  packages without other tags are left out. A label's text is its facet and value as words
  (`implemented-in::python` -> `implemented in python`).
- Split: by source package (all binaries of one source, which often share a description, fall on
  the same side), seeded, 75% train; labels never seen in training are dropped, and test rows left
  without labels with them.
The output uses the repository layout (Y.txt, trn_X.txt, trn_X_Y.txt, tst_X.txt, tst_X_Y.txt).

Usage: scripts/debtags.py [--out data/debtags] [--seed 1] [--packages F --translations F]
"""
import argparse
import hashlib
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def read_index(path):
    """The text of an apt index file (plain or lz4-compressed)."""
    path = pathlib.Path(path)
    if path.suffix == ".lz4":
        return subprocess.run(["lz4", "-dc", str(path)], check=True, capture_output=True).stdout.decode("utf-8")
    return path.read_text(encoding="utf-8")


def stanzas(text):
    """The stanzas of a Debian control-format file as dicts (continuation lines joined by newlines)."""
    for block in text.split("\n\n"):
        fields, key = {}, None
        for line in block.split("\n"):
            if not line:
                continue
            if line[0] in " \t" and key is not None:
                fields[key] += "\n" + line[1:]
            else:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields:
            yield fields


def fetch_indexes(work):
    """Packages and Translation-en of bookworm main from the Debian mirror, via apt, into `work`."""
    lists = work / "lists"
    (lists / "partial").mkdir(parents=True)
    sources = work / "sources.list"
    sources.write_text("deb http://deb.debian.org/debian bookworm main\n")
    subprocess.run(["apt-get", "update", "-q", "-o", f"Dir::State::Lists={lists}",
                    "-o", f"Dir::Etc::SourceList={sources}", "-o", "Dir::Etc::SourceParts=/dev/null",
                    "-o", "Dir::Etc::parts=/dev/null", "-o", "Acquire::Languages=en",
                    "-o", "APT::Architecture=amd64"], check=True, stdout=subprocess.DEVNULL)
    packages = sorted(lists.glob("*bookworm_main_binary-amd64_Packages*"))
    translations = sorted(lists.glob("*bookworm_main_i18n_Translation-en*"))
    if not packages or not translations:
        sys.exit(f"apt did not fetch the Packages and Translation-en indexes into {lists}")
    return packages[0], translations[0]


def clean_description(long):
    """A long description without Debian's markup (a lone '.' is a blank line)."""
    lines = [line.strip() for line in long.split("\n")]
    return " ".join(line for line in lines if line and line != ".")


def label_text(tag):
    facet, _, value = tag.partition("::")
    return re.sub(r"[-_:]+", " ", f"{facet} {value}").strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "data" / "debtags")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--train-share", type=float, default=0.75)
    ap.add_argument("--packages", type=pathlib.Path, help="a Packages index (default: fetched by apt)")
    ap.add_argument("--translations", type=pathlib.Path, help="its Translation-en (default: fetched by apt)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        packages, translations = args.packages, args.translations
        if packages is None or translations is None:
            packages, translations = fetch_indexes(pathlib.Path(tmp))
        long_by_md5 = {}
        for s in stanzas(read_index(translations)):
            if "Description-md5" in s and "Description-en" in s:
                long_by_md5[s["Description-md5"]] = s["Description-en"]
        rows = []
        for s in stanzas(read_index(packages)):
            tags = sorted({t.strip() for t in s.get("Tag", "").replace("\n", " ").split(",")
                           if t.strip() and not t.strip().startswith("special::")})
            if not tags:
                continue
            name = s["Package"]
            described = long_by_md5.get(s.get("Description-md5", ""), s.get("Description", ""))
            summary, _, long = described.partition("\n")
            text = " ".join(part for part in (re.sub(r"[-_]+", " ", name), summary.strip(), clean_description(long))
                            if part)
            source = s.get("Source", name).split(" ")[0]
            rows.append((source, name, text, tags))
    rows.sort(key=lambda r: r[1])

    def side(source):
        h = hashlib.sha256(f"{args.seed}:{source}".encode()).digest()
        return int.from_bytes(h[:8], "little") / 2**64 < args.train_share

    train = [r for r in rows if side(r[0])]
    test = [r for r in rows if not side(r[0])]
    labels = sorted({t for r in train for t in r[3]})
    index = {t: i for i, t in enumerate(labels)}
    test = [(s, n, x, [t for t in tags if t in index]) for s, n, x, tags in test]
    test = [r for r in test if r[3]]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "Y.txt").write_text("".join(label_text(t) + "\n" for t in labels), encoding="utf-8")
    for split, part in (("trn", train), ("tst", test)):
        (args.out / f"{split}_X.txt").write_text("".join(r[2].replace("\n", " ") + "\n" for r in part),
                                                  encoding="utf-8")
        lines = [f"{len(part)} {len(labels)}\n"]
        lines += [" ".join(f"{index[t]}:1.0" for t in sorted(r[3], key=index.get)) + "\n" for r in part]
        (args.out / f"{split}_X_Y.txt").write_text("".join(lines), encoding="utf-8")
    entries = sum(len(r[3]) for r in train)
    print(f"{args.out}: {len(labels)} labels, {len(train)} training rows ({entries / len(train):.2f} labels each),"
          f" {len(test)} test rows")


if __name__ == "__main__":
    main()
