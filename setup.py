"""Builds vnpolicy (its metadata is in pyproject.toml) and compiles the busiest
extractor modules with Cython, where it can.

The modules stay plain Python, unchanged: Cython translates each ``.py`` to C as
it is (no type declarations; annotations are not enforced), and the records
come out byte-identical, with 4–8 % less CPU per document (benchmarks/README.md).
Each module compiled is recorded with its source's sha256 in
``extractors/_compiled.sums``: a module whose source changed since is imported
from its source (``extractors/__init__.py``).

Without Cython or a C compiler, or with ``VNPOLICY_PURE_PYTHON=1``, the package
installs as plain Python: a module that fails to compile is skipped.
``make compile`` (``python setup.py build_ext --inplace``) rebuilds after an edit.
"""
from __future__ import annotations

import hashlib
import os
import threading
import warnings
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
# The per-document stages' modules (see pipeline/analyse.py), in the order they run.
COMPILED = ("normalize", "segment", "outline", "tables", "metadata", "symbols", "jurisdiction",
            "citations", "targets", "bodies", "assignments", "deadlines", "links")
DIRECTIVES = {
    "language_level": 3,
    "binding": True,  # functions keep their signatures and docstrings (inspect, doctest)
    "annotation_typing": False,  # annotations are documentation, as in CPython
    "autotestdict": False,  # doctests are found on the functions, once
}
SUMS = "_compiled.sums"


class BuildExt(build_ext):
    """``build_ext`` that records the source of every module it built (or found built).

    setuptools builds in ``build/`` and, in place (an editable install, ``make
    compile``), then copies the modules beside their sources: the record goes
    to both folders.
    """

    def run(self) -> None:
        self._built: dict[str, str] = {}  # module → sha256 of its source
        self._lock = threading.Lock()
        super().run()
        for root in [Path(self.build_lib), *([HERE] if self.inplace else [])]:
            by_folder: dict[Path, dict[str, str]] = {}
            for name, digest in self._built.items():
                *package, module = name.split(".")
                by_folder.setdefault(root.joinpath(*package), {})[f"{module}.py"] = digest
            for folder, digests in by_folder.items():
                if folder.is_dir():
                    _record(folder, digests)

    def build_extension(self, ext: Extension) -> None:
        source = HERE / (ext.name.replace(".", "/") + ".py")
        digest = hashlib.sha256(source.read_bytes()).hexdigest()  # before the compiler reads it
        super().build_extension(ext)  # raises when it fails: an optional module is then left out
        with self._lock:
            self._built[ext.name] = digest


def _record(folder: Path, digests: dict[str, str]) -> None:
    """Set these sources' lines of ``folder/_compiled.sums`` (sha256sum's format), keeping the others."""
    path = folder / SUMS
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except OSError:
        lines = []
    sums = {file: digest for digest, _, file in (line.partition("  ") for line in lines) if file}
    sums.update(digests)
    path.write_text("".join(f"{d}  {f}\n" for f, d in sorted(sums.items())), encoding="ascii")


def extensions() -> list[Extension]:
    if os.environ.get("VNPOLICY_PURE_PYTHON", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize

        # Cython's helpers that a module does not call are not worth a warning
        modules = [Extension(f"extractors.{m}", [f"extractors/{m}.py"], optional=True,
                             extra_compile_args=["-Wno-unused-function"]) for m in COMPILED]
        return cythonize(modules, compiler_directives=DIRECTIVES, nthreads=os.cpu_count() or 1, quiet=True)
    except Exception as exc:  # no Cython, or a module it cannot translate: plain Python
        warnings.warn(f"extractors are not compiled ({type(exc).__name__}: {exc}); installing plain Python")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt},
      options={"build_ext": {"parallel": os.cpu_count() or 1}})
