"""The compiled extractors (``setup.py``, ``extractors/__init__.py``).

A compiled module is used only while it was built from the source beside it,
and gives the same documents as that source.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import extractors
from extractors import PURE_ENV, SUMS, _CompiledLoader, _Finder, read_sums, usable_compiled

from fast_path_support import CORPUS

PKG = Path(extractors.__file__).resolve().parent
ROOT = PKG.parent
SO = EXTENSION_SUFFIXES[0]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_package(folder: Path, *, source: str = "x = 1\n", compiled: bool = True,
                 sums: str | None = None, other: str = "") -> Path:
    """A package folder with module ``m``: its source, maybe a (fake) compiled file and a sums file."""
    folder.mkdir(exist_ok=True)
    (folder / "m.py").write_text(source, encoding="utf-8")
    if compiled:
        (folder / f"m{SO}").write_bytes(b"\x7fELF not really")
    if sums is not None:
        (folder / SUMS).write_text(sums, encoding="ascii")
    if other:
        (folder / other).write_text("", encoding="utf-8")
    return folder


RECORDED = f"{sha('x = 1' + chr(10))}  m.py\n"

# (case, package, environment, fresh, stale)
CASES = [
    ("built from the source beside it", dict(sums=RECORDED), {}, {"m"}, set()),
    ("PURE=0 asks for nothing", dict(sums=RECORDED), {PURE_ENV: "0"}, {"m"}, set()),
    # must not be used
    ("source edited since", dict(source="x = 2\n", sums=RECORDED), {}, set(), {"m"}),
    ("no record of its build", dict(sums=None), {}, set(), {"m"}),
    ("recorded under another name", dict(sums=RECORDED.replace("m.py", "n.py")), {}, set(), {"m"}),
    ("a damaged record", dict(sums=RECORDED[:40] + "  m.py\n"), {}, set(), {"m"}),
    ("sources asked for", dict(sums=RECORDED), {PURE_ENV: "1"}, set(), {"m"}),
    # nothing compiled: the usual import, nothing to decide
    ("no compiled file", dict(compiled=False, sums=RECORDED), {}, set(), set()),
    ("a file that is no module", dict(compiled=False, sums=RECORDED, other="m.txt"), {}, set(), set()),
]


@pytest.mark.parametrize("case,package,environ,fresh,stale", CASES, ids=[c[0] for c in CASES])
def test_which_compiled_modules_are_used(tmp_path, case, package, environ, fresh, stale):
    folder = make_package(tmp_path / "pkg", **package)
    assert usable_compiled(folder, environ) == (fresh, stale)


def test_sums_are_read_as_sha256sum_writes_them(tmp_path):
    folder = make_package(tmp_path / "pkg", sums=RECORDED + "not a line\n" + f"{sha('y')}  notes.txt\n")
    assert read_sums(folder) == {"m": sha("x = 1\n")}
    assert read_sums(tmp_path) == {}  # no file


def test_a_fresh_module_loads_compiled_under_its_source_name(tmp_path):
    folder = make_package(tmp_path / "pkg", sums=RECORDED)
    spec = _Finder("pkg", folder, {"m"}, set()).find_spec("pkg.m")
    assert spec.origin == str(folder / f"m{SO}")
    assert isinstance(spec.loader, _CompiledLoader) and spec.loader.source == str(folder / "m.py")


def test_a_stale_module_loads_from_source_and_says_so_once(tmp_path):
    folder = make_package(tmp_path / "pkg", source="x = 2\n", sums=RECORDED)
    finder = _Finder("pkg", folder, set(), {"m"})
    with pytest.warns(RuntimeWarning, match="make compile"):
        spec = finder.find_spec("pkg.m")
    assert spec.origin == str(folder / "m.py")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert finder.find_spec("pkg.m").origin == str(folder / "m.py")
        # sources asked for: no warning at all
        assert _Finder("pkg", folder, set(), {"m"}, warn=False).find_spec("pkg.m").origin == str(folder / "m.py")


def test_other_packages_and_uncompiled_modules_are_left_to_the_usual_import(tmp_path):
    folder = make_package(tmp_path / "pkg", sums=RECORDED)
    finder = _Finder("pkg", folder, {"m"}, set())
    assert finder.find_spec("other.m") is None
    assert finder.find_spec("pkg.records") is None


# ---------------------------------------------------------------- this install


fresh, stale = usable_compiled(PKG)
needs_compiled = pytest.mark.skipif(
    not fresh, reason="this install has no compiled extractors (no Cython or C compiler, or VNPOLICY_PURE_PYTHON)")


@needs_compiled
def test_fresh_modules_are_imported_compiled():
    import importlib

    for name in sorted(fresh):
        module = importlib.import_module(f"extractors.{name}")
        assert module.__spec__.origin.endswith(SO), name
        assert module.__file__ == str(PKG / f"{name}.py")


PURE_DOCUMENTS = textwrap.dedent("""
    import json, sys
    from extractors import deadlines
    assert deadlines.__spec__.origin.endswith(".py"), deadlines.__spec__.origin
    from pipeline.analyse import analyse
    out = {}
    for path in sys.argv[1:]:
        doc = analyse(path)
        doc.pop("timings", None)
        out[path] = doc
    sys.stdout.write(json.dumps(out, ensure_ascii=False, sort_keys=True, default=str))
""")


@needs_compiled
def test_compiled_and_source_give_the_same_documents():
    from pipeline.analyse import analyse

    paths = [str(p) for p in CORPUS]
    env = dict(os.environ, **{PURE_ENV: "1"}, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", PURE_DOCUMENTS, *paths], capture_output=True, text=True,
                          cwd=ROOT, env=env, check=True)
    pure = json.loads(proc.stdout)
    for path in paths:
        doc = analyse(path)
        doc.pop("timings", None)
        assert json.loads(json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str)) == pure[path], path
