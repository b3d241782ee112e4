# Two commands on a fresh machine:  make report  (setup + whole workflow + HTML report)
#                                   make test    (setup + test suite)
VENV    ?= .venv
PY      := $(VENV)/bin/python
CORES   ?= 2
export PYTENSOR_FLAGS ?= compiledir=$(CURDIR)/.cache/pytensor
export MPLBACKEND := Agg

.PHONY: env report workflow test test-all lint bench clean

env: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || "$$(tools/find-python312.sh)" -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

workflow: env
	$(VENV)/bin/snakemake --cores $(CORES)

report: workflow
	$(VENV)/bin/snakemake --cores $(CORES) --report results/report.html
	@echo "report: results/report.html"

test: env
	$(PY) -m pytest -m "not slow"

test-all: env
	$(PY) -m pytest

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/snakemake --lint

bench: env
	$(PY) benchmarks/run_benchmarks.py

clean:
	rm -rf results/* logs .snakemake
