# Paceline — the commands of DESIGN §7. A fresh clone needs only Python 3.12, make and
# access to the package registry: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.12
UV_VERSION := 0.13.9
# uv from PATH when present, else our own copy in .tools/ (a plain venv with the pinned uv).
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The typed core checked by mypy: whatever of it exists in this checkout.
MYPY_TARGETS := config core athletes $(wildcard analytics coaching activities integrations)

.PHONY: help install run test lint bench demo-reset messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: | $(UV) ## Create .venv from uv.lock (exact versions, dev tools included)
	$(UV) sync --frozen

# Links in printed logins and emails point at the address `make run` serves, unless
# PACELINE_BASE_URL is set (e.g. behind a proxy).
run: export PACELINE_BASE_URL ?= http://$(HOST):$(PORT)
run: install ## Migrate, seed demo data on an empty database, serve on http://127.0.0.1:8000 (HOST=, PORT=)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) sweep
	DEBUG=1 PACELINE_SWEEP_IN_PROCESS=1 $(MANAGE) runserver $(HOST):$(PORT)

test: install ## Run the test suite (extra pytest arguments: PYTEST_ARGS="-k roster -x")
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install ## ruff (lint + format check), mypy on the typed core, import-linter contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(MYPY_TARGETS)
	$(VENV)/bin/lint-imports

bench: install ## Print the benchmark figures (bench/README.md)
	$(PY) bench/run.py

demo-reset: export PACELINE_BASE_URL ?= http://$(HOST):$(PORT)
demo-reset: install ## Delete the SQLite database and seed the demo data again
	@if [ -n "$${DATABASE_URL:-}" ]; then echo "demo-reset only resets the embedded SQLite database (unset DATABASE_URL)"; exit 1; fi
	db="$${PACELINE_VAR_DIR:-var}/paceline.sqlite3"; rm -f "$$db" "$$db-wal" "$$db-shm"
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo

messages: install ## Update and compile the French catalogues (needs gettext)
	$(MANAGE) makemessages -l fr --no-obsolete --ignore=.venv --ignore=.tools --ignore=var --ignore=tests --ignore=bench
	$(MANAGE) compilemessages -l fr --ignore=.venv --ignore=.tools

clean: ## Remove caches and generated files (keeps .venv, .tools and the database)
	rm -rf .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .benchmarks var/static var/test-media var/screenshots
	find . -path ./.venv -prune -o -path ./.tools -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf
