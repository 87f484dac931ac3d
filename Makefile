# The two commands: `make run` and `make test`. Everything else is set-up they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
FRONTEND := static/dist/.built
DEMO_POSTCODE_AREAS := WR,B,DY,GL,HR

.PHONY: run test lint bench install frontend db demo clean

# The development server and, beside it, the worker that sends emails (manage.py run_with_worker). The line has no
# shell syntax, so make runs it directly and passes on a SIGTERM: stopping make stops both.
run: install frontend db demo
	$(PY) manage.py demo_accounts
	$(PY) manage.py run_with_worker 127.0.0.1:8000

test: install frontend
	$(PY) -m pytest

# ruff with the project's settings (pyproject.toml); the layers are a test (tests/test_architecture.py), run by both.
lint: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -p no:cacheprovider tests/test_architecture.py

bench: install frontend db
	$(PY) manage.py bench

# The site under gunicorn with production settings, driven by wrk (apt-get install wrk) one kind of page at a time,
# 20 connections for 30 s each (LOADTEST_SECONDS, LOADTEST_CONCURRENCY change them); `make loadtest OUTAGE=5` runs a
# mix of pages instead and stops the embedded PostgreSQL for 5 s meanwhile (only when nothing else is using it).
.PHONY: loadtest
loadtest: install frontend db demo
	$(PY) manage.py loadtest $(if $(OUTAGE),--outage $(OUTAGE))

# Lighthouse's mobile performance score, and its main metrics, for the home page, a results page and a service page,
# served by gunicorn with production settings and whitenoise's compressed files. It runs the pinned `lighthouse` npm
# package through npx (fetched once, not a project dependency) in Debian's chromium, one page at a time.
.PHONY: lighthouse
lighthouse: install frontend db demo
	$(PY) manage.py lighthouse

.PHONY: backup-check
backup-check: install  # pg_dump the database, restore it into a scratch database, compare (docs/deployment.md)
	$(PY) manage.py backup_check

install: $(INSTALLED)

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --constraint constraints.txt ".[dev]"
	touch $@

frontend: $(FRONTEND)

$(FRONTEND): package.json package-lock.json $(shell find frontend -type f)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

db: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_postcodes --areas $(DEMO_POSTCODE_AREAS)
	$(PY) manage.py import_places

demo: db
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py seed_demo_referrals
	$(PY) manage.py seed_demo_enquiries

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
