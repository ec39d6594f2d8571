"""An interrupted run (the CLI killed mid-way) resumes without redoing finished documents or leaving corrupt files."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.runner import INDEX_NAME, code_version, run

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from generate import synthetic  # noqa: E402

N_DOCS = 24


def finished(out: Path) -> set[str]:
    """Cache entries: each one means a document was completely analysed and written."""
    return {p.name for p in (out / ".cache").glob("*.json") if p.name != INDEX_NAME}


def all_json_parses(out: Path) -> list[Path]:
    files = [p for p in out.rglob("*.json") if not p.name.startswith(".")]
    for p in files:
        json.loads(p.read_bytes())  # raises on a half-written file
    return files


def make_corpus(folder: Path, n: int = N_DOCS) -> Path:
    folder.mkdir()
    for i in range(n):
        name, text = synthetic(i)
        (folder / name).write_text(text[:3000], encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path) -> Path:
    return make_corpus(tmp_path / "corpus")


def test_killed_run_resumes_without_redoing_finished_documents(corpus, tmp_path):
    out = tmp_path / "out"
    version = code_version.__wrapped__()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "--out", str(out), "--workers", "2"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if (out / ".cache").is_dir() and len(finished(out)) >= 4:
                break
            time.sleep(0.05)
    finally:
        # SIGKILL the CLI and its workers together (its own session): no chance to clean up
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=60)
    done_before = finished(out)
    if len(done_before) >= N_DOCS:
        pytest.skip("the run finished before it could be interrupted (machine too fast for this corpus)")
    assert len(done_before) >= 4, "the run was killed before it finished any document"
    all_json_parses(out)  # nothing half-written, even though the run was killed

    if code_version.__wrapped__() != version:
        pytest.skip("the extractor code changed during the test: the cache was rightly invalidated")
    r = run([corpus], out, workers=2)
    c = r.manifest["counts"]
    assert c["ok"] == N_DOCS
    assert c["cached"] >= len(done_before)
    assert c["analysed"] <= N_DOCS - len(done_before)
    assert not list(out.rglob(".*.tmp"))
    files = all_json_parses(out)
    assert len([p for p in files if p.parent.name == "documents"]) == N_DOCS
    for p in (out / "documents").glob("*.json"):
        d = json.loads(p.read_bytes())
        assert d["status"] == "ok" and d["text"]


def test_interrupted_corpus_stage_is_redone(tmp_path, monkeypatch):
    """Killed after the per-document stages but before the corpus stages finished: the next run redoes them."""
    import pipeline.corpus as corpus_mod

    corpus = make_corpus(tmp_path / "corpus", n=3)
    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(corpus_mod, "build_corpus_outputs", boom)
    with pytest.raises(KeyboardInterrupt):
        run([corpus], tmp_path / "out", workers=1)
    monkeypatch.undo()
    r = run([corpus], tmp_path / "out", workers=1)
    assert r.manifest["counts"]["analysed"] == 0
    assert r.manifest["timings"]["corpus_stages_skipped"] is False
    assert (tmp_path / "out" / "tables").is_dir()
