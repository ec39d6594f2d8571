"""Per-document extractors: pure functions from a document to typed records with offsets.

The modules are plain Python.  The install also compiles the busiest of them
with Cython (``setup.py``): the same source, unchanged, run as C, which takes
4–8 % less CPU with byte-identical records.  A compiled module is used only
while its source is the one it was compiled from (``_compiled.sums``, written
by the build); a module edited since is imported from its source, with a
warning, until ``make compile`` builds it again.  ``VNPOLICY_PURE_PYTHON=1``
imports every module from its source.

>>> import extractors.deadlines as m
>>> m.__file__.endswith("deadlines.py")  # the source, compiled or not (see _CompiledLoader)
True
"""
from __future__ import annotations

import hashlib
import os
import sys
import warnings
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path

SUMS = "_compiled.sums"  # "<sha256 of the source>  <module>.py" per line, as sha256sum writes it
PURE_ENV = "VNPOLICY_PURE_PYTHON"


def sources_asked(environ=os.environ) -> bool:
    """``VNPOLICY_PURE_PYTHON`` is set (to anything but ``0``): import every module from source."""
    return environ.get(PURE_ENV, "") not in ("", "0")


def compiled_file(folder: Path, name: str) -> Path | None:
    """The compiled module ``name`` in ``folder`` (``deadlines.cpython-311-….so``), if any."""
    for suffix in EXTENSION_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def read_sums(folder: Path) -> dict[str, str]:
    """Module name → sha256 of the source its compiled file was built from."""
    try:
        lines = (folder / SUMS).read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    sums = {}
    for line in lines:
        digest, _, file = line.partition("  ")
        if file.endswith(".py") and len(digest) == 64:
            sums[file.removesuffix(".py")] = digest
    return sums


def source_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def usable_compiled(folder: Path, environ=os.environ) -> tuple[set[str], set[str]]:
    """``(fresh, stale)``: the compiled modules of ``folder`` built from the source now
    beside them, and those whose source changed since (or was never recorded).

    With ``VNPOLICY_PURE_PYTHON`` set, every compiled module counts as stale.
    """
    sums = {} if sources_asked(environ) else read_sums(folder)
    fresh, stale = set(), set()
    for path in folder.iterdir():
        name, dot, suffix = path.name.partition(".")
        if not dot or "." + suffix not in EXTENSION_SUFFIXES:
            continue
        if sums.get(name) is not None and sums[name] == source_digest(folder / f"{name}.py"):
            fresh.add(name)
        else:
            stale.add(name)
    return fresh, stale


class _CompiledLoader(ExtensionFileLoader):
    """Loads a compiled module and gives it its source's ``__file__``.

    Its code is that source's, compiled (the digests agree): inspect, doctest
    and pytest read the source through ``__file__``, and pytest refuses a module
    whose ``__file__`` is not the file it collected.  ``__spec__.origin`` names
    the compiled file.
    """

    def __init__(self, name: str, path: str, source: str) -> None:
        super().__init__(name, path)
        self.source = source

    def exec_module(self, module) -> None:
        super().exec_module(module)
        module.__file__ = self.source


class _Finder:
    """Finds this package's modules: compiled when fresh, else from source."""

    def __init__(self, package: str, folder: Path, fresh: set[str], stale: set[str], warn: bool = True) -> None:
        self.package, self.folder, self.fresh, self.stale = package, folder, fresh, stale
        self.warned: set[str] = set() if warn else set(stale)  # sources asked for: nothing to say

    def find_spec(self, fullname: str, path=None, target=None) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != self.package:
            return None
        source = self.folder / f"{name}.py"
        if name in self.fresh:
            compiled = str(compiled_file(self.folder, name))
            return spec_from_file_location(fullname, compiled,
                                           loader=_CompiledLoader(fullname, compiled, str(source)))
        if name in self.stale and source.is_file():
            if name not in self.warned:
                self.warned.add(name)
                warnings.warn(f"{fullname}: the compiled module was built from another version of "
                              f"{source.name}; using the source (run `make compile` to rebuild)",
                              RuntimeWarning, stacklevel=2)
            return spec_from_file_location(fullname, source)
        return None  # not compiled: the usual import


def _install() -> None:
    folder = Path(__file__).resolve().parent
    fresh, stale = usable_compiled(folder)
    if (fresh or stale) and not any(isinstance(f, _Finder) and f.package == __name__ for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder(__name__, folder, fresh, stale, warn=not sources_asked()))


_install()
