# Two commands for a fresh machine: `make run` and `make test`. Both install exactly the
# versions in uv.lock (https://docs.astral.sh/uv/), never whatever is newest that day.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The uv that reads and writes uv.lock; pyproject.toml's [tool.uv] required-version agrees.
UV_VERSION := 0.13.9
UV := $(BIN)/uv
# Every extra but bench (faiss, only for `make bench-search`); `accurate` is the second
# opinion on close calls (README, "A second opinion").
EXTRAS := --extra dev --extra postgres --extra accurate
# Use the Python of .venv, never one that uv would download.
export UV_PYTHON_DOWNLOADS := never
LOCK_HINT := uv.lock does not match pyproject.toml: run 'make lock' and commit uv.lock.

# `make test PYTEST_ARGS=tests/api` runs part of the suite (.ci/run: ATTEND_CI_PYTEST_ARGS).
PYTEST_ARGS ?=

.PHONY: run test lint lock bench-accuracy bench-search clean

$(UV): Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	touch $(UV)

$(STAMP): pyproject.toml uv.lock $(UV)
	@$(UV) lock --check || { echo "$(LOCK_HINT)" >&2; exit 1; }
	$(UV) sync --locked --compile-bytecode $(EXTRAS)
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/attendance serve

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# After a change to pyproject.toml's dependencies; `make lock ARGS=--upgrade` (or
# ARGS='--upgrade-package onnxruntime') moves pinned versions on. Commit uv.lock.
lock: $(UV)
	$(UV) lock $(ARGS)

bench-accuracy: $(STAMP)
	$(BIN)/python bench/accuracy.py

bench-search: $(STAMP)
	$(UV) sync --locked $(EXTRAS) --extra bench
	$(BIN)/python bench/search.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
