"""Jurisdiction: province, commune and level, resolved against the 2025 registry.

The registry is the ``vietnam-provinces`` package (34 provinces, 3,321
communes after the 2025 reorganisation); pre-2025 province names are mapped
to today's through underthesea's address converter table.  Matching folds
tone marks, tone placement and đ, and tolerates small slips (rapidfuzz), so
the corpus's "xã Kè Sắt" finds the registry's "Xã Kẻ Sặt".
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex
from rapidfuzz import fuzz, process


def fold(s: str) -> str:
    """Lower case without tone marks and with đ → d.

    >>> fold("Kẻ Sặt"), fold("Thái Nguyên")
    ('ke sat', 'thai nguyen')
    """
    s = unicodedata.normalize("NFD", s.lower().replace("đ", "d").replace("Đ", "d"))
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).split())


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # official name, e.g. "Tuyên Quang", "Xã Kẻ Sặt"
    kind: str  # "province" or "commune"
    province: str  # official province name
    code: int
    score: float
    former: str = ""  # the pre-2025 name written in the text, if mapped


_PROVINCE_PREFIXES = ("Tỉnh ", "Thành phố ")


@lru_cache(maxsize=1)
def _registry():
    from vietnam_provinces import Province, Ward

    provinces = {}
    for p in Province.iter_all():
        short = p.name
        for prefix in _PROVINCE_PREFIXES:
            if short.startswith(prefix):
                short = short[len(prefix):]
        provinces[fold(short)] = (short, int(p.code.value))
    prov_by_code = {code: name for name, code in provinces.values()}
    communes: dict[str, list[tuple[str, int, str]]] = {}
    for w in Ward.iter_all():
        base = regex.sub(r"^(Xã|Phường|Đặc khu|Thị trấn)\s+", "", w.name)
        communes.setdefault(fold(base), []).append((w.name, int(w.code.value), prov_by_code[int(w.province_code.value)]))
    return provinces, communes


@lru_cache(maxsize=1)
def _former_provinces() -> dict[str, str]:
    """Folded pre-2025 province name → today's short name."""
    from pathlib import Path

    import underthesea.address as addr

    data = json.loads((Path(addr.__file__).parent / "data" / "mapping.json").read_text(encoding="utf-8"))
    out = {}
    for key, info in data["old_province_names"].items():
        new_key = data["province_mapping"].get(key)
        new = data["province_names"].get(new_key, {}).get("short")
        if new:
            out[fold(info["short"])] = new
    return out


@lru_cache(maxsize=1)
def _cities() -> frozenset[str]:
    from vietnam_provinces import Province

    return frozenset(p.name[len("Thành phố "):] for p in Province.iter_all() if p.name.startswith("Thành phố "))


def is_city(province: str) -> bool:
    """True for the centrally-run cities (thành phố), whose bodies say "thành phố", not "tỉnh".

    >>> is_city("Cần Thơ"), is_city("Tuyên Quang")
    (True, False)
    """
    return province in _cities()


# Memoised: a document names its province and communes again and again, and a
# miss runs a fuzzy search over the registry.  Places are frozen.
@lru_cache(maxsize=4096)
def match_province(name: str) -> Place | None:
    """Today's province for a name written in a document (old names mapped).

    >>> match_province("Hải Dương").name, match_province("Tuyen Quang").name
    ('Hải Phòng', 'Tuyên Quang')
    """
    provinces, _ = _registry()
    key = fold(name)
    if key in provinces:
        short, code = provinces[key]
        return Place(short, "province", short, code, 100.0)
    former = _former_provinces().get(key)
    if former:
        short, code = provinces[fold(former)]
        return Place(short, "province", short, code, 100.0, former=name)
    hit = process.extractOne(key, list(provinces), scorer=fuzz.ratio, score_cutoff=90)
    if hit:
        short, code = provinces[hit[0]]
        return Place(short, "province", short, code, hit[1])
    return None


@lru_cache(maxsize=4096)
def match_commune(name: str, province: str | None = None) -> Place | None:
    """The registry commune for ``name`` ("Kè Sắt" → "Xã Kẻ Sặt"), preferring ``province``."""
    _, communes = _registry()
    key = fold(name)
    candidates = communes.get(key)
    score = 100.0
    if not candidates:
        hit = process.extractOne(key, list(communes), scorer=fuzz.ratio, score_cutoff=88)
        if not hit:
            return None
        candidates, score = communes[hit[0]], hit[1]
    if province:
        in_prov = [c for c in candidates if c[2] == province]
        if in_prov:
            candidates = in_prov
        else:
            return None
    if len(candidates) > 1 and not province:
        # the same name in several provinces: only a unique one is a reliable guess
        xa = [c for c in candidates if c[0].startswith("Xã")]
        if len(xa) != 1:
            return None
        candidates = xa
    official, code, prov = candidates[0]
    return Place(official, "commune", prov, code, score)
