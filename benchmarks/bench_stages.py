"""Throughput of each per-document stage alone, in MB/s of raw input per core.

Single process, warm (one untimed round first loads lazy vocabularies and
fills regex caches), CPU time (``time.process_time``).  Each stage is timed
on its own over every document: ingest (read + decode), normalize, segment,
then every extractor of ``pipeline.analyse.EXTRACTORS`` over the segmented
documents.  The per-document stages together must reach 2 MB/s per core
(issue 8), so each stage wants roughly ≥ 12 MB/s on its own.

    PYTHONPATH=. python benchmarks/bench_stages.py [--rounds 3] [--only normalize,segment] [DIR_OR_FILE ...]
    python benchmarks/generate.py 200 /tmp/synth200 && python benchmarks/bench_stages.py /tmp/synth200

A figure is MB / (mean CPU seconds per round); "best" is the fastest round.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.ingest import ingest  # noqa: E402
from extractors.normalize import normalize  # noqa: E402
from extractors.segment import segment  # noqa: E402
from pipeline.analyse import available_extractors  # noqa: E402

FLOOR_TOTAL_MB_S = 2.0


def _paths(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for a in args or [str(ROOT / "corpora")]:
        p = Path(a)
        out.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    return out


def _time(fn: Callable[[Any], Any], items: Callable[[], list], rounds: int) -> tuple[float, float]:
    """(mean, best) CPU seconds of one pass of ``fn`` over ``items()``, after a warm-up pass.

    Each pass gets fresh items: extractors memoise per document (on the
    ``Document``), and a second pass over the same objects would time the memos."""
    for x in items():
        fn(x)
    times = []
    for _ in range(rounds):
        batch = items()
        t = time.process_time()
        for x in batch:
            fn(x)
        times.append(time.process_time() - t)
    return sum(times) / len(times), min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="folders of .txt files or files (default: corpora/)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated stage names to time (default: all)")
    args = ap.parse_args()
    only = {s for s in args.only.split(",") if s}

    paths = _paths(args.paths)
    raws = [ingest(p) for p in paths]
    mb = sum(len(r.raw.encode("utf-8")) for r in raws) / 1e6
    norms = [normalize(r.raw) for r in raws]

    def fresh_docs() -> list:
        return [segment(r.doc_id, n) for r, n in zip(raws, norms)]

    stages: list[tuple[str, Callable[[Any], Any], Callable[[], list]]] = [
        ("ingest", ingest, lambda: paths),
        ("normalize", lambda r: normalize(r.raw), lambda: raws),
        ("segment", lambda rn: segment(rn[0].doc_id, rn[1]), lambda: list(zip(raws, norms))),
    ]
    stages += [(key, fn, fresh_docs) for key, fn in available_extractors()]

    print(f"{len(paths)} documents, {mb:.3f} MB, {args.rounds} rounds (CPU time, single process, warm)")
    print(f"{'stage':<12} {'ms/round':>9} {'MB/s':>8} {'best':>8}")
    total = 0.0
    for name, fn, items in stages:
        if only and name not in only:
            continue
        mean, best = _time(fn, items, args.rounds)
        total += mean
        print(f"{name:<12} {mean * 1000:9.1f} {mb / mean:8.2f} {mb / best:8.2f}")
    print(f"{'total':<12} {total * 1000:9.1f} {mb / total:8.2f}"
          + ("" if only else f"   (floor {FLOOR_TOTAL_MB_S} MB/s per core: "
                               f"{'ok' if mb / total >= FLOOR_TOTAL_MB_S else 'BELOW'})"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
