# Family Help: the Makefile targets are the contract. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PYTHON := $(UV) run --frozen python
MANAGE := $(PYTHON) manage.py
# `make run` and `make demo` use the demo settings: demo people skip the one-time code.
DEMO_MANAGE := DJANGO_SETTINGS_MODULE=config.settings.demo $(MANAGE)
export UV_LINK_MODE := copy

.PHONY: help install assets run demo test lint bench worker

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	python3 -m pip install --quiet --user "uv==$(UV_VERSION)" || python3 -m pip install --quiet "uv==$(UV_VERSION)"

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build/static/css/application.css: node_modules/.installed frontend/build.mjs $(wildcard frontend/scss/*.scss) $(wildcard frontend/js/*)
	npm run --silent build

install: .venv/.installed node_modules/.installed ## Install locked Python and npm dependencies

assets: install build/static/css/application.css ## Compile the GOV.UK Sass and copy fonts and images

run: assets ## Prepare the SQLite demo county and serve on http://127.0.0.1:$(PORT)
	$(DEMO_MANAGE) migrate --noinput
	$(DEMO_MANAGE) load_demo --if-empty
	$(DEMO_MANAGE) demo_logins
	@echo "The background worker (checking bulk uploads, sending email) runs too; its log is worker.log."
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_MANAGE) worker > worker.log 2>&1 & worker=$$!; \
	$(DEMO_MANAGE) runserver 127.0.0.1:$(PORT)

demo: assets ## Reload the demo county from scratch into the database
	$(DEMO_MANAGE) migrate --noinput
	$(DEMO_MANAGE) load_demo --reset
	$(DEMO_MANAGE) demo_logins

worker: install ## Run the background task worker (the database queue; TASKS_BACKEND=redis for Redis)
	$(DEMO_MANAGE) migrate --noinput
	$(DEMO_MANAGE) worker

lint: install ## ruff lint and format check, and the migrations check
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	# Against an empty in-memory database, so no local database's history can affect it.
	DATABASE_URL=sqlite://:memory: $(MANAGE) makemigrations --check --dry-run

test: assets lint ## Run every test: lint, unit, integration, API and browser (SQLite, or DATABASE_URL)
	$(UV) run --frozen pytest -n 2 --dist loadgroup

bench: assets ## Measure speed against PostgreSQL (DATABASE_URL) and write bench/results.json
	$(PYTHON) -m bench
