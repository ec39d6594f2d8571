"""Synthetic corpora for the benchmark: seeded transformations of the real documents.

Document ``i`` of a corpus is one real document (``corpora/*.txt``, in turn)
put through transformations drawn from ``random.Random(f"{seed}:{i}")``, so a
corpus of any size is the same on every machine, and the first 100 documents
of the 1,000-document corpus are the 100-document corpus:

* ``reorder_sections`` — two adjacent Roman-numbered sections swap contents
  (labels stay in order, as an editor moving a section would leave them);
* ``swap_places`` — every province named in the text becomes another of the
  34 provinces of the ``vietnam_provinces`` registry, and every commune
  ("xã …", "phường …") a commune of that province (consistently per document);
* ``renumber_symbols`` — document symbols ``21-NQ/TU`` get new numbers;
* ``perturb_dates`` — every date moves by the same random number of days;
* ``perturb_targets`` — percentages move by a few points;
* ``ocr_slips`` — known OCR slips ("MITQ", "Phân đấu", …) are injected.

    python benchmarks/generate.py 1000 benchmarks/out/corpus_1000 [--seed 8]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "corpora").glob("*.txt"))

# (correct, slip, probability per occurrence): slips seen in converted Vietnamese documents.
OCR_SLIPS: tuple[tuple[str, str, float], ...] = (
    ("MTTQ", "MITQ", 0.08),         # T read as I
    ("Phấn đấu", "Phân đấu", 0.3),  # tone mark lost
    ("phấn đấu", "phân đấu", 0.3),
    ("Nhân dân", "Nhân dần", 0.03),
    ("Ủy ban", "Uỷ ban", 0.1),      # old tone placement
    ("năm 20", "năm 2O", 0.02),      # zero read as letter O
)

RE_ROMAN_HEADING = re.compile(r"^(\W{0,4})([IVX]+)([.\-–]\s)", re.M)
RE_SYMBOL = re.compile(r"\b(\d{1,4})(-[A-ZĐ]{1,4}/[A-ZĐ][A-ZĐa-z\-]{0,10})")
RE_DATE_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b")
RE_DATE_WORDS = re.compile(r"\b(ngày|Ngày) (\d{1,2}) tháng (\d{1,2}) năm ((?:19|20)\d\d)\b")
RE_PERCENT = re.compile(r"\b(\d{1,3})(\s?%)")
RE_COMMUNE = re.compile(r"\b(xã|Xã|phường|Phường|XÃ|PHƯỜNG)\s+((?:[A-ZĐÂĂÊÔƠƯ][^\s,.;:()]*\s?){1,3})")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@lru_cache(maxsize=1)
def registry() -> tuple[list[str], dict[str, list[str]]]:
    """Province short names, and commune names (without "Xã"/"Phường") per province."""
    from vietnam_provinces import Province, Ward

    names: dict[int, str] = {}
    for p in Province.iter_all():
        names[int(p.code.value)] = re.sub(r"^(Tỉnh|Thành phố)\s+", "", p.name)
    communes: dict[str, list[str]] = {n: [] for n in names.values()}
    for w in Ward.iter_all():
        base = re.sub(r"^(Xã|Phường|Đặc khu|Thị trấn)\s+", "", w.name)
        communes[names[int(w.province_code.value)]].append(base)
    return sorted(names.values()), communes


def reorder_sections(text: str, rng: random.Random) -> str:
    heads = list(RE_ROMAN_HEADING.finditer(text))
    pairs = [(a, b) for a, b in zip(heads, heads[1:])
             if a.group(2) in ROMAN and b.group(2) in ROMAN and ROMAN.index(b.group(2)) == ROMAN.index(a.group(2)) + 1]
    if not pairs:
        return text
    a, b = rng.choice(pairs)
    nxt = next((h.start() for h in heads if h.start() > b.start()), None)
    end = nxt if nxt is not None else len(text)
    body_a, body_b = text[a.end():b.start()], text[b.end():end]
    if not body_a.endswith("\n"):
        return text
    if not body_b.endswith("\n"):  # the last section of the file
        body_b += "\n"
    # labels stay in place and in order; the titles and bodies after them swap
    return text[:a.end()] + body_b + b.group(0) + body_a.rstrip("\n") + "\n" + text[end:]


def swap_places(text: str, rng: random.Random) -> str:
    provinces, communes = registry()
    present = [p for p in provinces if p in text or p.upper() in text]
    mapping = {}
    for p in present:
        mapping[p] = rng.choice([q for q in provinces if q != p])
    for old, new in sorted(mapping.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, f"\0{provinces.index(new)}\0").replace(old.upper(), f"\0U{provinces.index(new)}\0")
    text = re.sub(r"\0(U?)(\d+)\0", lambda m: provinces[int(m.group(2))].upper() if m.group(1) else provinces[int(m.group(2))], text)
    pool = communes.get(mapping[present[0]] if present else rng.choice(provinces)) or ["Kẻ Sặt"]
    seen: dict[str, str] = {}

    def commune(m: re.Match) -> str:
        name = m.group(2).rstrip()
        trail = m.group(2)[len(name):]
        if name not in seen:
            seen[name] = rng.choice(pool)
        new = seen[name].upper() if m.group(1).isupper() else seen[name]
        return f"{m.group(1)} {new}{trail}"

    return RE_COMMUNE.sub(commune, text)


def renumber_symbols(text: str, rng: random.Random) -> str:
    seen: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        key = m.group(0)
        if key not in seen:
            width = len(m.group(1)) if m.group(1).startswith("0") else 1
            seen[key] = f"{rng.randint(1, 350):0{width}d}{m.group(2)}"
        return seen[key]

    return RE_SYMBOL.sub(sub, text)


def perturb_dates(text: str, rng: random.Random) -> str:
    shift = dt.timedelta(days=rng.randint(-500, 500))

    def moved(d: str, m: str, y: str) -> dt.date | None:
        try:
            return dt.date(int(y), int(m), int(d)) + shift
        except ValueError:
            return None

    def slash(m: re.Match) -> str:
        new = moved(m.group(1), m.group(2), m.group(3))
        return f"{new.day:02d}/{new.month:02d}/{new.year}" if new and m.group(1).startswith("0") else (
            f"{new.day}/{new.month}/{new.year}" if new else m.group(0))

    def words(m: re.Match) -> str:
        new = moved(m.group(2), m.group(3), m.group(4))
        return f"{m.group(1)} {new.day:02d} tháng {new.month:02d} năm {new.year}" if new else m.group(0)

    return RE_DATE_WORDS.sub(words, RE_DATE_SLASH.sub(slash, text))


def perturb_targets(text: str, rng: random.Random) -> str:
    def sub(m: re.Match) -> str:
        v = int(m.group(1))
        if v == 100 and rng.random() < 0.7:
            return m.group(0)  # "100%" targets are common and meaningful: mostly kept
        return f"{max(1, min(100, v + rng.randint(-8, 8)))}{m.group(2)}"

    return RE_PERCENT.sub(sub, text)


def ocr_slips(text: str, rng: random.Random) -> str:
    for right, slip, rate in OCR_SLIPS:
        parts = text.split(right)
        if len(parts) > 1:
            text = parts[0] + "".join((slip if rng.random() < rate else right) + p for p in parts[1:])
    return text


TRANSFORMS = (reorder_sections, swap_places, renumber_symbols, perturb_dates, perturb_targets, ocr_slips)


@lru_cache(maxsize=None)
def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def synthetic(i: int, seed: int = 8, sources: tuple[Path, ...] = tuple(SOURCES)) -> tuple[str, str]:
    """``(file name, text)`` of synthetic document ``i``."""
    rng = random.Random(f"{seed}:{i}")
    src = sources[i % len(sources)]
    text = _source(src)
    for step in TRANSFORMS:
        text = step(text, rng)
    return f"{i:05d}_{src.stem.split('_')[0]}.txt", text


def generate(n: int, folder: str | Path, seed: int = 8) -> Path:
    """Write ``n`` synthetic documents into ``folder`` (kept when already complete)."""
    folder = Path(folder)
    stamp = folder / ".generated"
    if stamp.exists() and stamp.read_text() == f"{n} {seed}\n":
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for i in range(n):
        name, text = synthetic(i, seed)
        (folder / name).write_text(text, encoding="utf-8")
    stamp.write_text(f"{n} {seed}\n")
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("folder")
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args(argv)
    generate(args.n, args.folder, args.seed)
    print(f"{args.n} documents in {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
