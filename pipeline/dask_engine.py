"""The Dask engine: the same per-document function on a ``dask.distributed`` cluster.

``map_tasks`` ships :class:`pipeline.runner.Task` objects (a path, an id, a
cache key) to the workers, runs :func:`pipeline.runner.analyse_task` there
and streams ``(index, document)`` pairs back as they finish; the runner
writes the outputs and the cache on the client, so only the *inputs* must be
readable by the workers at the same path (a shared or replicated folder).

Submissions are windowed (a few tasks per worker thread in flight), so a
10,000-document corpus never sits in the cluster's memory at once.

Without ``scheduler`` a ``LocalCluster`` with ``workers`` single-threaded
worker processes is started for the run and closed after it.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runner import Task

# Tasks in flight per worker thread: enough to hide the round trip, few enough to bound memory.
IN_FLIGHT_PER_THREAD = 4


@contextmanager
def client_for(scheduler: str | None = None, workers: int = 2, processes: bool = True):
    """A ``distributed.Client`` on ``scheduler``, or on a local cluster started (and closed) here."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError("--engine dask needs dask.distributed: pip install 'dask[distributed]'") from exc
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=processes,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def map_tasks(tasks: list["Task"], *, scheduler: str | None = None, workers: int = 2,
              client: Any = None, processes: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index, per-document JSON)`` for every task, in completion order."""
    if not tasks:
        return
    if client is not None:
        yield from _stream(client, tasks)
        return
    with client_for(scheduler, workers, processes) as c:
        yield from _stream(c, tasks)


def _stream(client: Any, tasks: list["Task"]) -> Iterator[tuple[int, dict[str, Any]]]:
    from distributed import as_completed

    from .runner import worker_task

    threads = sum(client.nthreads().values()) or 1
    window = threads * IN_FLIGHT_PER_THREAD
    pending = iter(enumerate(tasks))
    index_of: dict[str, int] = {}

    def submit(i: int, task: "Task"):
        # pure=False: two documents with equal arguments are still two runs; the key names the document.
        fut = client.submit(worker_task, task, pure=False, key=f"vnpolicy-{i}-{task.key or 'nokey'}")
        index_of[fut.key] = i
        return fut

    ac = as_completed([submit(i, t) for i, t in _take(pending, window)], with_results=False)
    for fut in ac:
        i = index_of.pop(fut.key)
        try:
            doc = fut.result()
        except Exception as exc:  # a worker lost mid-task: reported, the batch goes on
            from extractors.errors import VnPolicyError

            from .analyse import error_json

            doc = error_json(tasks[i].doc_id, tasks[i].path, VnPolicyError("E020", f"dask: {type(exc).__name__}: {exc}"))
        fut.release()
        for j, t in _take(pending, 1):
            ac.add(submit(j, t))
        yield i, doc


def _take(it, n: int):
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out
