# Two commands do all setup on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo sudo apt-get)
# Tests run in parallel worker processes (pytest-xdist), one per CPU by default; each worker has
# its own databases, servers and temporary files. `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: run test lint typecheck unit e2e bench bench-themes bench-routing migrate demo chromium pg-client nginx clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## make run: venv, install, migrate, demo data when the database is empty, serve on 127.0.0.1:8501
run: $(VENV)/.runtime
	$(PY) -m ue_core.db.migrate
	$(PY) -m ue_core.demo --if-empty
	UE_AUTH_MODE=$${UE_AUTH_MODE:-demo} $(PY) -m streamlit run server.py --server.address 127.0.0.1 --server.port 8501

migrate: $(VENV)/.runtime
	$(PY) -m ue_core.db.migrate

demo: $(VENV)/.runtime
	$(PY) -m ue_core.demo

## Debian's chromium for the browser tests (Playwright cannot download browsers here)
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq chromium; }

## Debian's postgresql-client: pg_dump and pg_restore, for `ue_core.cli backup|restore` and its tests
pg-client:
	@command -v pg_dump >/dev/null 2>&1 || { $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq postgresql-client; }

## Debian's nginx: the reverse proxy of a deployment (deploy/, docs/deployment.md). The
## deployment test runs its own nginx (its own config, pid and logs, on free ports), so the
## system's nginx and Debian's default site on port 80, running or not, never meet it.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq nginx; }

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy

## make test: everything CI runs: lint, types, unit, app, database and browser tests
test: $(VENV)/.dev chromium pg-client nginx lint typecheck
	$(PYTEST)

unit: $(VENV)/.dev pg-client
	$(PYTEST) tests/unit tests/db tests/app

e2e: $(VENV)/.dev chromium nginx
	$(PYTEST) tests/e2e

## make bench: builds a --scale large database under bench/out and prints the figures
bench: $(VENV)/.dev
	$(PY) -m bench

## make bench-themes: survey-theme quality (needs the benchmark-only packages) and speed
bench-themes: $(VENV)/.dev
	$(PY) -m pip install --quiet --no-deps --target bench/out/lib -r bench/requirements-bench.txt
	PYTHONPATH=bench/out/lib $(PY) -m bench --only themes

## make bench-routing: request routing on CLINC150 (../shared/data/clinc150 or UE_CLINC150_DIR)
bench-routing: $(VENV)/.dev
	$(PY) -m bench --only routing

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache bench/out

## make bench-load: N = 10, 50 and 200 people at once on a fresh local PostgreSQL database
## (UE_TEST_POSTGRES_URL, default postgres@127.0.0.1:5432/test), then K Chromium sessions on two
## app servers; about 8 minutes. LOAD_ARGS=--smoke for a short check (no figures written).
.PHONY: bench-load
bench-load: $(VENV)/.dev chromium
	$(PY) -m bench.load $(LOAD_ARGS)
