"""The per-document CPU of two versions of the extractors, measured side by side in one process.

On a shared host the same code's whole-run timings move by 15-30 % within an
hour (see README.md, session 5), more than most changes to the code.  This
runs the per-document chain of an older commit and of the working tree on the
same documents, alternating per document, so that both see the same host:

    python benchmarks/compare_code.py 3fcd012               # 300 synthetic documents, 3 rounds
    python benchmarks/compare_code.py HEAD~5 --docs 100 --rounds 5 --corpus corpora

The chain is what ``pipeline.analyse.analyse`` runs per document: ingest,
normalise, segment, the five extractors with their records' ``to_dict``, the
citations' contexts and the deadlines' links, and the document's own records.
The older commit's ``extractors`` package is taken from git into a temporary
folder and imported as ``extractors_old``.

Caches shared across documents warm up over the rounds in both versions; the
first round's figure is printed apart for that reason.
"""
from __future__ import annotations

import argparse
import importlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "benchmarks" / "out" / "corpus_1000"
EXTRACTORS = (("citations", "find_citations"), ("targets", "find_targets"), ("assignments", "find_assignments"),
              ("deadlines", "find_deadlines"), ("bodies", "find_bodies"))


def export_old(ref: str, into: Path) -> None:
    """``extractors/`` of ``ref`` as the package ``extractors_old`` under ``into``."""
    data = subprocess.run(["git", "archive", ref, "extractors"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    (into / "extractors").rename(into / "extractors_old")
    for py in (into / "extractors_old").rglob("*.py"):
        source = py.read_text(encoding="utf-8")
        py.write_text(re.sub(r"\bextractors\.", "extractors_old.", source), encoding="utf-8")


def chain(package: str):
    """The per-document chain of ``package`` (``extractors`` or ``extractors_old``) as a function of a path."""
    from pipeline.analyse import context_of

    def mod(name: str):
        return importlib.import_module(f"{package}.{name}")

    ingest, normalize, segment, links = mod("ingest").ingest, mod("normalize").normalize, mod("segment").segment, mod("links")
    finders = [(key, getattr(mod(key), func)) for key, func in EXTRACTORS]
    warm_up = getattr(mod("bodies"), "warm_up", None)
    if warm_up:
        warm_up()

    def run(path: Path) -> None:
        raw = ingest(path, doc_id=path.name)
        doc = segment(raw.doc_id, normalize(raw.raw))
        out = {}
        for key, find in finders:
            found = find(doc)
            if key == "targets":
                out["targets"] = [r.to_dict() for r in found[0]]
                out["results"] = [r.to_dict() for r in found[1]]
            else:
                out[key] = [r.to_dict() for r in found]
        for rec in out["citations"]:
            rec["context"] = context_of(doc.raw, rec["start"], rec["end"])
        bounded = {k: out[k] for k in ("assignments", "targets")}
        for rec, found_links in zip(out["deadlines"], links.link_deadlines(out["deadlines"], bounded)):
            rec["bounds"] = found_links
        doc.metadata.to_dict()
        [s.to_dict() for s in doc.sections]
        [t.to_dict() for t in doc.tables]

    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ref", help="the older commit (git ref) to compare the working tree with")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder of .txt files (default: the benchmark's 1,000)")
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    files = sorted(Path(args.corpus).glob("*.txt"))[: args.docs]
    if not files:
        ap.error(f"no .txt files in {args.corpus} (make bench generates the default corpus)")
    sys.path.insert(0, str(ROOT))
    from pipeline.runner import prepare_worker

    with tempfile.TemporaryDirectory() as tmp:
        export_old(args.ref, Path(tmp))
        sys.path.insert(0, tmp)
        prepare_worker()  # the GC settings of a worker
        versions = {"old": chain("extractors_old"), "new": chain("extractors")}
        clock = time.process_time
        seconds = {name: [0.0] * args.rounds for name in versions}
        for r in range(args.rounds):
            for i, path in enumerate(files):
                order = ("old", "new") if (i + r) % 2 == 0 else ("new", "old")
                for name in order:
                    t = clock()
                    versions[name](path)
                    seconds[name][r] += clock() - t
    mib = sum(f.stat().st_size for f in files) / 2**20
    for name in ("old", "new"):
        per_round = seconds[name]
        print(f"{name}: CPU per round {', '.join(f'{s:.2f}' for s in per_round)} s "
              f"({mib / (sum(per_round) / len(per_round)):.3f} MiB/s on average)")
    ratio = sum(seconds["new"]) / sum(seconds["old"])
    first = seconds["new"][0] / seconds["old"][0]
    print(f"new/old CPU: {ratio:.3f} over all rounds, {first:.3f} in the first (caches cold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
