# Smart Kampung: `make run` starts a demo on SQLite, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
RESIDENTS ?= 20000
SEED ?= 2026
# Apps that keep their own catalogue in <app>/locale (the rest share locale/).
APP_LOCALES := $(patsubst %/locale/,%,$(dir $(wildcard */locale/.)))

.PHONY: run test test-postgres install lint format messages clean-demo

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compile_translations
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@# Warnings only while seeding, so that the sign-ins it prints last are easy to find.
	LOG_LEVEL=WARNING $(PY) manage.py setup_demo --residents $(RESIDENTS) --seed $(SEED) --address http://$(HOST):$(PORT)/
	@# The job runner (imports, matching, dashboard refresh) runs beside the web server.
	$(PY) manage.py run_jobs & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: install
	$(PY) manage.py compile_translations
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite against a throwaway PostgreSQL cluster on loopback.
test-postgres: install
	scripts/with-postgres.sh $(MAKE) test

lint: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l id -l en --ignore=.venv/* --ignore=bench/* $(foreach app,$(APP_LOCALES),--ignore=$(app)/*)
	for app in $(APP_LOCALES); do (cd $$app && ../$(PY) ../manage.py makemessages -l id -l en --ignore=tests/*) || exit 1; done
	$(PY) manage.py compile_translations

clean-demo:
	rm -f var/smartkampung.sqlite3 var/smartkampung.sqlite3-* var/demo-credentials.json
