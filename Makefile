# Quick start: `make run` (install + full pipeline on the bundled corpus), `make test`.
# The interpreter the virtual environment is made from (`make PYTHON=/path/to/python3.12 …`
# to choose).  A Linux distribution's own python3 is compiled with profile-guided
# optimisation; one built by pyenv or from source is not unless asked for, and runs
# the per-document stages ~12 % slower (benchmarks/README.md).  So /usr/bin/python3 is
# taken when it is 3.11 or later and can make a venv; otherwise the python3 on PATH.
PYTHON ?= $(firstword $(foreach p,/usr/bin/python3,$(if $(shell $(p) -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo ok),$(p))) python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench install compile clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The install compiles the busiest extractors with Cython (setup.py); this rebuilds
# the ones whose source changed since (a module edited and not rebuilt is imported
# from its source, with a warning).  Quick when nothing changed.
compile: $(STAMP)
	$(BIN)/python setup.py --quiet build_ext --inplace

run: compile
	$(BIN)/vnpolicy run

test: compile
	$(BIN)/python -m pytest

bench: compile
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf outputs/documents outputs/tables outputs/site outputs/*.json outputs/*.sqlite outputs/*.ics
