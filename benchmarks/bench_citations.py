"""Throughput of find_citations on the corpus, in MB/s of raw text per core.

Documents are normalised and segmented once, outside the timing: the figure
is for the citation stage alone.  Floor (issue 3): 2 MB/s per core.

    PYTHONPATH=. python benchmarks/bench_citations.py [--rounds 20] [PATH ...]
"""
from __future__ import annotations

import argparse
import glob
import time
from pathlib import Path

from extractors.citations import find_citations
from extractors.document import Document

ROOT = Path(__file__).resolve().parents[1]
FLOOR_MB_S = 2.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="text files (default: corpora/*.txt)")
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    paths = args.paths or sorted(glob.glob(str(ROOT / "corpora" / "*.txt")))
    docs = [Document.from_text(Path(p).read_text(encoding="utf-8"), Path(p).stem) for p in paths]
    size = sum(len(d.raw.encode("utf-8")) for d in docs)
    n = sum(len(find_citations(d)) for d in docs)  # warm-up (lazy vocabularies, regex caches)
    best = float("inf")
    t_all = time.process_time()
    for _ in range(args.rounds):
        t = time.process_time()
        for d in docs:
            find_citations(d)
        best = min(best, time.process_time() - t)
    mean = (time.process_time() - t_all) / args.rounds
    mb = size / 1e6
    print(f"{len(docs)} documents, {mb:.3f} MB, {n} citations per round, {args.rounds} rounds")
    print(f"mean {mean * 1000:.1f} ms/round → {mb / mean:.2f} MB/s per core (best {mb / best:.2f} MB/s)")
    print(f"floor {FLOOR_MB_S} MB/s: {'ok' if mb / mean >= FLOOR_MB_S else 'BELOW'}")
    return 0 if mb / mean >= FLOOR_MB_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
