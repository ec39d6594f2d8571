"""Fixtures shared by the tests; the builders themselves live in ``vn_fixtures``."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vn_fixtures import BAD_INPUTS, make_bad_input  # noqa: E402


@pytest.fixture
def bad_input(tmp_path):
    """``bad_input(name)`` writes that bad input into a fresh folder and returns its path."""

    def make(name: str) -> Path:
        filename = next(f for n, f, _ in BAD_INPUTS if n == name)
        return make_bad_input(name, tmp_path, filename)

    return make
