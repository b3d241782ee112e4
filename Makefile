# Two commands on a fresh machine:  make report  (setup + whole workflow + HTML report)
#                                   make test    (setup + test suite)
VENV    ?= .venv
PY      := $(VENV)/bin/python
CORES   ?= 2
# A case is a folder with config/config.yaml and data/ (the repository root is the shipped case;
# cases/ holds others): make report CASE=cases/mg_leg_cramps
CASE    ?= .
SMK     := $(VENV)/bin/snakemake --directory $(CASE) --snakefile $(CURDIR)/workflow/Snakefile
export PYTENSOR_FLAGS ?= compiledir=$(CURDIR)/.cache/pytensor
export NUMBA_CACHE_DIR ?= $(CURDIR)/.cache/numba  # the NUTS model's compiled density (bayes_density)
export MPLBACKEND := Agg

.PHONY: env env-slurm lock case browser report workflow notebooks test test-all lint bench compare clean cores

# CORES is a whole number >= 1 (or 'all'); anything else is refused before anything runs.
cores:
	@case '$(CORES)' in all|[1-9]|[1-9][0-9]|[1-9][0-9][0-9]) ;; \
	  *) echo "CORES must be a whole number of at least 1 (or 'all'), got '$(CORES)'" >&2; \
	     exit 2;; esac

env: $(VENV)/.compiled

# The environment is installed from requirements.lock (exact versions with sha256 hashes, resolved
# by uv for every platform): uv (pinned and hash-checked in tools/uv-bootstrap.txt) installs it in
# seconds from its cache; where uv cannot be installed, pip installs the same lock. `make lock`
# re-resolves after an edit of the ranges in pyproject.toml.
$(VENV)/.installed: requirements.lock tools/uv-bootstrap.txt pyproject.toml
	@test -x $(PY) || "$$(tools/find-python312.sh)" -m venv $(VENV)
	@if $(PY) -m pip install -q --disable-pip-version-check --require-hashes -r tools/uv-bootstrap.txt; then \
	  $(VENV)/bin/uv pip install -q --python $(PY) --require-hashes -r requirements.lock && \
	  $(VENV)/bin/uv pip install -q --python $(PY) --no-deps -e . ; \
	else \
	  echo "uv unavailable: installing requirements.lock with pip"; \
	  $(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock && \
	  $(PY) -m pip install -q --disable-pip-version-check --no-deps -e . ; \
	fi
	@touch $@

# Bytecode for every installed module and for the package, written once after an install: where
# PYTHONDONTWRITEBYTECODE is set (as on the shared development machines) Python never writes it
# and compiles every module it imports again in every process; a dry run then takes 3x the CPU
# time (8 s instead of 2.7 s), and every job and test process pays the same (docs/performance.md).
$(VENV)/.compiled: $(VENV)/.installed
	@$(PY) -m compileall -q -j 0 $(VENV)/lib src >/dev/null || echo "note: some files could not be byte-compiled (imports still work)"
	@touch $@

# profiles/slurm's executor (pyproject extra slurm), from requirements-slurm.lock: the pins of
# requirements.lock plus the plugin and what it needs. make env leaves it out: Snakemake imports
# every installed executor plugin at the start of every run, and this one imports pandas (0.7 s of
# CPU on each run, a no-op included). A .venv that has it keeps it (make env removes nothing):
# .venv/bin/uv pip uninstall --python .venv/bin/python snakemake-executor-plugin-slurm{,-jobstep}
env-slurm: env
	@if test -x $(VENV)/bin/uv; then \
	  $(VENV)/bin/uv pip install -q --python $(PY) --require-hashes -r requirements-slurm.lock; \
	else \
	  $(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements-slurm.lock; \
	fi
	@$(PY) -m compileall -q -j 0 $(VENV)/lib >/dev/null || true

lock: env
	tools/update-lock.sh

# A new case from templates/case/: make case NEW=cases/my_question
case:
	@tools/new-case.sh "$(NEW)"

# After an interruption the same command resumes: the lock of a run that no longer exists is
# removed (tools/unlock-if-stale.sh) and half-written outputs are rebuilt (--rerun-incomplete).
workflow: cores env
	@tools/unlock-if-stale.sh $(CASE) $(SMK)
	$(SMK) --cores $(CORES) --rerun-incomplete
	@rm -f $(CASE)/logs/run_incomplete.txt  # up to date ("Nothing to be done" runs no hook)

report: workflow
	$(SMK) --cores $(CORES) --report results/report.html
	@echo "report: $(CASE)/results/report.html"

# The report test opens results/report.html in Debian's chromium; install it when missing
# (as root or with sudo). Where that is impossible the test is skipped, never silently passed.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the report test"; \
	  if [ "$$(id -u)" = 0 ]; then S=; else S=sudo; fi; \
	  { $$S apt-get update -qq && $$S apt-get install -y -qq chromium >/dev/null; } \
	  || echo "WARNING: could not install chromium; the browser test will be skipped"; }

notebooks: report
	$(PY) -m reanalysis.report.notebooks results

test: env browser
	$(if $(shell command -v chromium),REQUIRE_BROWSER=1,) $(PY) -m pytest -m "not slow"

test-all: env browser
	$(if $(shell command -v chromium),REQUIRE_BROWSER=1,) $(PY) -m pytest

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/snakemake --lint

bench: env
	$(PY) benchmarks/run_benchmarks.py

# Paired whole-process comparisons (ours, BEFORE=<git revision>, brms/metafor where installed):
# results/benchmarks/comparison.csv
compare: env
	$(PY) benchmarks/compare.py $(if $(BEFORE),--before $(BEFORE),)

clean:
	rm -rf results/* logs .snakemake
