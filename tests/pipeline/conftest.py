"""A session-wide run of the whole pipeline over the bundled corpus, shared by the corpus-level tests."""
from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "corpora"


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory):
    """``RunResult`` of ``pipeline.runner.run`` over ``corpora/`` into a temporary folder."""
    from pipeline.runner import run

    out = tmp_path_factory.mktemp("corpus_outputs")
    return run([CORPUS], out, workers=2)


@pytest.fixture(scope="session")
def corpus_tables(corpus_run):
    from pipeline.api import load_tables

    return load_tables(corpus_run.out)
