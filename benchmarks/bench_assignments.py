"""Throughput of find_assignments (and find_bodies) on the corpus, in MB/s of raw text per core.

Documents are normalised and segmented once, outside the timing: the figures
are for the assignment stage alone.  Three numbers:

* **set-up** — the one-time cost a fresh worker process pays before its first
  document (gazetteer, alias pattern), measured in a child interpreter;
* **cold** — every round starts with the per-string caches emptied
  (``mention_spans`` of list items, ``match_body`` keys and resolutions), as for a stream of
  documents never seen before: the honest per-document figure;
* **warm** — caches kept between rounds (an upper bound).

Floor (issue 8): the per-document stages together ≥ 2 MB/s per core, so this
stage alone should reach ≥ 5 MB/s.

    PYTHONPATH=. python benchmarks/bench_assignments.py [--rounds 10] [--bodies] [PATH ...]
"""
from __future__ import annotations

import argparse
import glob
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR_MB_S = 5.0

SETUP_PROBE = """
import time
t0 = time.process_time()
from extractors import assignments, bodies
t1 = time.process_time()
bodies.warm_up()
t2 = time.process_time()
print(f"{t1 - t0:.4f} {t2 - t1:.4f}")
"""


def setup_cost() -> tuple[float, float]:
    """(import, build) CPU seconds in a fresh interpreter, as a runner worker pays them."""
    out = subprocess.run([sys.executable, "-c", SETUP_PROBE], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""}).stdout.split()
    return float(out[0]), float(out[1])


def clear_caches() -> None:
    """Empty every cache keyed by a string of the text (the gazetteer and patterns stay built)."""
    from extractors import assignments, bodies

    for f in (bodies._mention_spans_cached, bodies._resolve_cached, bodies._body_key_cached,
              bodies._match_body_cached, bodies._looks_like_body, bodies._split_bodies_cached,
              assignments._normalise_times_cached):
        f.cache_clear()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="text files (default: corpora/*.txt)")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--bodies", action="store_true", help="time find_bodies as well")
    args = ap.parse_args()

    imp, build = setup_cost()
    from extractors.assignments import find_assignments
    from extractors.bodies import find_bodies
    from extractors.document import Document

    paths = args.paths or sorted(glob.glob(str(ROOT / "corpora" / "*.txt")))
    docs = [Document.from_text(Path(p).read_text(encoding="utf-8"), Path(p).stem) for p in paths]
    mb = sum(len(d.raw.encode("utf-8")) for d in docs) / 1e6

    def one_round() -> int:
        n = 0
        for d in docs:
            n += len(find_assignments(d))
            if args.bodies:
                n += len(find_bodies(d))
        return n

    n = one_round()  # set-up paid here, not in the rounds
    figures = {}
    for mode in ("cold", "warm"):
        times = []
        for _ in range(args.rounds):
            if mode == "cold":
                clear_caches()
            t = time.process_time()
            one_round()
            times.append(time.process_time() - t)
        mean = sum(times) / len(times)
        figures[mode] = mb / mean
        print(f"{mode}: mean {mean * 1000:.1f} ms/round → {mb / mean:.2f} MB/s per core (best {mb / min(times):.2f})")
    what = "assignments + bodies" if args.bodies else "assignments"
    print(f"{len(docs)} documents, {mb:.3f} MB, {n} records per round ({what}), {args.rounds} rounds")
    print(f"set-up per process: import {imp * 1000:.0f} ms, build {build * 1000:.0f} ms (CPU)")
    ok = figures["cold"] >= FLOOR_MB_S
    print(f"floor {FLOOR_MB_S} MB/s (cold): {'ok' if ok else 'BELOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
