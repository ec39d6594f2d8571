"""Time `vnpolicy check` on a ~100 KB draft against the bundled corpus (issue 7: < 2 s after start-up).

Usage: python benchmarks/bench_check.py [--corpus-out DIR]
Start-up (imports, loading the corpus tables, first-use caches) is timed apart
from the check itself, which is repeated and reported as median and max.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus-out", type=Path, default=None, help="an existing `vnpolicy run` output folder")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    from pipeline.check import check_draft, load_corpus  # noqa: F401  (imports are start-up)
    from pipeline.runner import run

    tmp = Path(tempfile.mkdtemp(prefix="vnpolicy-bench-check-"))
    out = args.corpus_out or (run([ROOT / "corpora"], tmp / "corpus").out)
    text = (ROOT / "corpora" / "003_16b5c5773c00c84f.txt").read_text(encoding="utf-8")
    extra = (ROOT / "corpora" / "000_94cb52fd90785ff2.txt").read_text(encoding="utf-8")
    draft_text = (text + "\n\n" + extra)[: 100 * 1024 // 2 * 2]
    while len(draft_text.encode("utf-8")) > 100 * 1024:
        draft_text = draft_text[:-500]
    draft = tmp / "du_thao_100kb.txt"
    draft.write_text(draft_text.replace("217-QĐ/TW ngày 12/12/2013", "217-QĐ/TW ngày 12/12/2014"), encoding="utf-8")
    check_draft(draft, out, tmp / "warm")  # first use: caches, gazetteer, templates
    startup = time.perf_counter() - t0
    times = []
    for i in range(args.repeat):
        t = time.perf_counter()
        check_draft(draft, out, tmp / f"r{i}")
        times.append(time.perf_counter() - t)
    size = draft.stat().st_size
    print(f"draft: {size / 1024:.1f} KB; start-up (imports, corpus run or load, first check): {startup:.2f} s")
    print(f"check after start-up: median {statistics.median(times):.3f} s, max {max(times):.3f} s over {args.repeat} runs "
          f"(floor: < 2 s) -> {'OK' if max(times) < 2 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
