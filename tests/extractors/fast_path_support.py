"""What the ``test_*_fast_paths.py`` files share: the real documents, the hypothesis
settings, and the characters that trip case-insensitive shortcuts.

A fast path (a cheap candidate scan standing in for a slow pattern) must find
exactly what its reference finds; these characters are where hand-written
candidate classes most often go wrong: letters whose case folding lands on an
ASCII letter ("İ", "ı", the Kelvin sign "K", "ſ") and every Vietnamese vowel
in both cases.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, settings

from extractors.ingest import ingest
from extractors.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "corpora").glob("*.txt")) + sorted((ROOT / "tests" / "data" / "extra").glob("*.txt"))
CORPUS_IDS = [p.name[:28] for p in CORPUS]

# Cheap properties: a few pattern calls per example.
MANY = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DOTTED_I, DOTLESS_I, KELVIN, LONG_S = "\u0130", "\u0131", "\u212a", "\u017f"
ODD = DOTTED_I + DOTLESS_I + KELVIN + LONG_S
VI_LOWER = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


@lru_cache(maxsize=None)
def corpus_text(path: Path) -> str:
    """The normalised text of a real document (read once per test session)."""
    return normalize(ingest(path).raw).text
