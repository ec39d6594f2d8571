"""The per-document CPU of two versions of the extractors, measured side by side in one process.

On a shared host the same code's whole-run timings move by 15-30 % within an
hour (see README.md, session 5), more than most changes to the code.  This
runs the per-document chain of an older commit and of the working tree on the
same documents, alternating per document, so that both see the same host:

    python benchmarks/compare_code.py 3fcd012               # 300 synthetic documents, 3 rounds
    python benchmarks/compare_code.py HEAD~5 --docs 100 --rounds 5 --corpus corpora

The chain is ``pipeline.analyse.analyse`` of each version: ingest, normalise,
segment, the five extractors with their records' ``to_dict``, the citations'
contexts and the deadlines' links, and the per-document JSON object.  The
older commit's ``extractors`` package and ``pipeline/analyse.py`` are taken
from git into a temporary folder and imported as ``extractors_old`` and
``analyse_old``.

Caches shared across documents warm up over the rounds in both versions; the
first round's figure is printed apart for that reason.

Both versions run from their Python source (``VNPOLICY_PURE_PYTHON``): the
comparison is of the code.  ``--compiled`` runs the working tree as installed,
with its compiled modules (setup.py), which measures what compiling gains:

    python benchmarks/compare_code.py HEAD --compiled
"""
from __future__ import annotations

import argparse
import importlib
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "benchmarks" / "out" / "corpus_1000"


def export_old(ref: str, into: Path) -> None:
    """``extractors/`` and ``pipeline/analyse.py`` of ``ref``, as ``extractors_old`` and
    ``analyse_old`` under ``into`` (``analyse`` imports nothing else of the pipeline)."""
    data = subprocess.run(["git", "archive", ref, "extractors", "pipeline/analyse.py"], cwd=ROOT,
                          capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        # the "data" filter (Python 3.11.4 on) where there is one; the archive is our own repository's
        tar.extractall(into, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    (into / "extractors").rename(into / "extractors_old")
    (into / "pipeline" / "analyse.py").rename(into / "analyse_old.py")
    for py in (into / "analyse_old.py", *(into / "extractors_old").rglob("*.py")):
        source = py.read_text(encoding="utf-8")  # imports and the extractors' module names
        py.write_text(re.sub(r"\bextractors\.", "extractors_old.", source), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ref", help="the older commit (git ref) to compare the working tree with")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder of .txt files (default: the benchmark's 1,000)")
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--compiled", action="store_true",
                    help="run the working tree with its compiled extractors (default: from source, as the old one)")
    args = ap.parse_args(argv)
    if not args.compiled:
        os.environ["VNPOLICY_PURE_PYTHON"] = "1"  # read when extractors is first imported, below
    files = sorted(Path(args.corpus).glob("*.txt"))[: args.docs]
    if not files:
        ap.error(f"no .txt files in {args.corpus} (make bench generates the default corpus)")
    sys.path.insert(0, str(ROOT))
    from pipeline.runner import prepare_worker

    with tempfile.TemporaryDirectory() as tmp:
        export_old(args.ref, Path(tmp))
        sys.path.insert(0, tmp)
        prepare_worker()  # the GC settings of a worker
        from pipeline.analyse import analyse

        versions = {"old": importlib.import_module("analyse_old").analyse, "new": analyse}
        for run in versions.values():
            run(files[0])  # what each version builds once per process (the gazetteer's pattern…), as a worker does
        clock = time.process_time
        seconds = {name: [0.0] * args.rounds for name in versions}
        for r in range(args.rounds):
            for i, path in enumerate(files):
                order = ("old", "new") if (i + r) % 2 == 0 else ("new", "old")
                for name in order:
                    t = clock()
                    result = versions[name](path)
                    seconds[name][r] += clock() - t
                    if result["status"] != "ok":  # a version that fails fast would look fast
                        sys.exit(f"{name} version: {path.name}: {result['error']}")
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
