"""The Dask engine gives the same outputs as the local one (a two-worker local cluster)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")

from pipeline.runner import Task, run  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from generate import synthetic  # noqa: E402


def small_corpus(folder: Path, n: int = 5, chars: int = 4000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        name, text = synthetic(i)
        (folder / name).write_text(text[:chars], encoding="utf-8")
    (folder / "rỗng.txt").write_bytes(b"")  # an error row must match too
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    files = sorted((out / "documents").glob("*.json")) + sorted((out / "tables").glob("*.csv"))
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


@pytest.fixture(scope="module")
def cluster():
    # Threads in one process: starts in a second, and the per-document function is the same.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as c:
        yield c


def test_dask_engine_gives_the_local_engine_tables(cluster, tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    local = run([corpus], tmp_path / "local", workers=2)
    dask = run([corpus], tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address)
    assert dask.manifest["engine"] == "dask"
    assert dask.manifest["counts"] == local.manifest["counts"]
    strip = lambda rows: [{k: v for k, v in r.items() if k != "path"} for r in rows]  # noqa: E731
    assert strip(dask.manifest["inputs"]) == strip(local.manifest["inputs"])
    a, b = outputs(tmp_path / "local"), outputs(tmp_path / "dask")
    assert any(k.startswith("tables/") for k in a) and a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_dask_engine_uses_the_cache(cluster, tmp_path):
    corpus = small_corpus(tmp_path / "corpus", n=3)
    run([corpus], tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address, corpus_stages=False)
    time.sleep(0.01)
    r = run([corpus], tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address, corpus_stages=False)
    assert r.manifest["counts"]["analysed"] == 1  # only the empty file, whose error is never cached
    assert r.manifest["counts"]["cached"] == 3


def test_map_tasks_streams_every_task_once(cluster, tmp_path):
    from pipeline.dask_engine import map_tasks

    corpus = small_corpus(tmp_path / "corpus", n=4, chars=800)
    tasks = [Task(str(p), p.name, None) for p in sorted(corpus.iterdir())] * 3  # more tasks than the window
    with distributed.Client(cluster) as client:
        got = dict(map_tasks(tasks, client=client))
    assert sorted(got) == list(range(len(tasks)))
    assert all(got[i]["doc"] == t.doc_id for i, t in enumerate(tasks))


@pytest.mark.skipif(os.environ.get("VNPOLICY_SLOW_TESTS") != "1", reason="starts worker processes (set VNPOLICY_SLOW_TESTS=1)")
def test_dask_engine_without_scheduler_starts_a_local_cluster(tmp_path):
    corpus = small_corpus(tmp_path / "corpus", n=2, chars=800)
    r = run([corpus], tmp_path / "out", engine="dask", workers=2, corpus_stages=False)
    assert r.manifest["counts"]["ok"] == 2
