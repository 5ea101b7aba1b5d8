# The two commands: `make run` (the whole pipeline offline) and `make test`.
# Every target sets up what it needs; nothing is installed by hand.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3.11
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
STATE       := .devstack
export PIPELINE_ID ?= 0a1b2c3d4e5f

# Sizes and rates for `make run` and the emulator (see README, Configuration).
ROWS  ?= 11153
RATE  ?= 0
BATCH ?= 500

.PHONY: help venv lint fmt test test-unit test-integration test-e2e run

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[local,dev]'
	@touch $@

venv: $(STAMP) ## create or update the project virtualenv (.venv)

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

fmt: $(STAMP) ## format the code
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: lint test-unit ## everything CI runs: lint, unit, integration, e2e, terraform and DAG checks

test-unit: $(STAMP) ## unit tests (no services)
	$(PY) -m pytest tests/unit -q

run: $(STAMP) ## the whole pipeline offline (grows as the stack lands)
	$(PY) -m emulator seed --rows $(ROWS)

# ---- emulator (foundation) -------------------------------------------------

# ---- devstack (local stack) ------------------------------------------------

# ---- jobs: batch -----------------------------------------------------------

# ---- jobs: streaming -------------------------------------------------------

# ---- terraform, docker-compose ---------------------------------------------

# ---- orchestration: Airflow, Databricks ------------------------------------

# ---- end to end, benchmarks ------------------------------------------------
