# Two commands do all the set-up (see README):
#   make brief   this month's brief from the embedded sample, under output/
#   make test    the whole test suite
# Dependencies install from requirements.lock, the versions the suite last passed with;
# `make lock` refreshes it (see README, "Two commands").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock

.PHONY: brief test lint bench lock clean

brief: $(STAMP)
	@$(PYTHON) -m generator.syscheck
	$(BIN)/aibrief run

# Test files run in parallel, one worker a core (at most 4); each file stays on one
# worker, in order (pytest-xdist).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@echo "set-up: checking system libraries (Pango, for the PDF renderer)"
	@$(PYTHON) -m generator.syscheck
	@echo "set-up: creating the virtual environment in $(VENV)/"
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment: install python3-venv (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
	@echo "set-up: installing the tested versions from $(LOCK) (about a minute the first time)"
	$(BIN)/python -m pip install --progress-bar off --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -c $(LOCK) -e '.[test]'
	@touch $@
	@echo "set-up: done"

# Re-resolve the newest versions allowed by pyproject.toml, run the suite on them, and
# write them to requirements.lock only if it passes.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --progress-bar off --upgrade pip
	.venv-lock/bin/python -m pip install --progress-bar off -e '.[test]'
	.venv-lock/bin/python -m pytest -q
	{ echo "# Tested versions: make installs with pip -c $(LOCK). Refresh with make lock."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > $(LOCK)
	rm -rf .venv-lock
	@echo "lock: $(LOCK) updated; commit it"

clean:
	rm -rf $(VENV) output/warehouse output/editions output/site output/state output/cache output/outbox output/preview
