# COP Courseware: `make run` serves the course, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run install install-test system-packages translations i18n migrate content test test-pg lint clean

## Set everything up and serve on http://127.0.0.1:5000 with SQLite.
run: export COURSEWARE_ENV ?= development
run: install translations migrate content
	$(FLASK) run --host $(HOST) --port $(PORT)

## Check and publish the bundled course (nothing happens when it has not changed).
content: export COURSEWARE_ENV ?= development
content:
	$(FLASK) courseware content publish --note "Bundled course" --by make

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python system-packages
	$(BIN)/pip install --quiet -e '.[test]'

## Debian packages the tests use: chromium (browser tests; never a downloaded browser),
## fonts-dejavu-core (certificate PDFs), zbar-tools and poppler-utils (reading the PDFs and
## their QR codes back), ffmpeg (ffprobe checks the course videos).
SYSTEM_PACKAGES := chromium fonts-dejavu-core zbar-tools poppler-utils ffmpeg espeak-ng
system-packages:
	@missing=""; \
	for pkg in $(SYSTEM_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

translations: $(BIN)/python
	$(BIN)/pybabel compile -d courseware/translations

## Extract new interface strings and merge them into every catalogue.
i18n: $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
	  --sort-output -o courseware/translations/messages.pot .
	$(BIN)/pybabel update -d courseware/translations -i courseware/translations/messages.pot \
	  --ignore-obsolete --no-fuzzy-matching

migrate: export COURSEWARE_ENV ?= development
migrate:
	$(FLASK) courseware db upgrade

## Install what the tests need (Python packages, chromium) and run the whole suite.
test: install-test translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The same suite against PostgreSQL (127.0.0.1:5432, database test).
test-pg: install-test translations
	COURSEWARE_TEST_DATABASE_URL=$${COURSEWARE_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/python
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
