# runnable-jupyter: `make lab` and `make test` set everything up on a fresh machine.
# Stamps in .make/ keep both quick when nothing changed (no reinstall, no rebuild).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := .make
CHROMIUM_PATH ?= /usr/bin/chromium
export PATH := $(BIN):$(PATH)
export CHROMIUM_PATH
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# One yarn cache for the project, the UI tests and the clean wheel build.
export YARN_ENABLE_GLOBAL_CACHE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

FRONTEND_SOURCES := $(shell find src schema style -type f 2>/dev/null) package.json tsconfig.json yarn.lock
PYTHON_BUILD_DEPS := "jupyterlab>=4.6,<5" "hatchling>=1.5" "hatch-nodejs-version>=0.3.2" \
	"hatch-jupyter-builder>=0.5" editables build

.PHONY: help lab test lint format install build pytest jest ui-test screenshots chromium clean

help:
	@echo "make lab    install into $(VENV), build, and open JupyterLab on examples/"
	@echo "make test   install, build, run the linters, pytest, jest and the galata UI tests, print totals"
	@echo "make lint   ruff, mypy, import-linter, eslint, prettier, stylelint (what CI enforces)"
	@echo "make format rewrite Python and TypeScript/CSS in the project's style"
	@echo "make screenshots  refresh docs/screenshots/ (the README's) from the UI tests that take them"

$(STAMP)/venv:
	@mkdir -p $(STAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	@touch $@

# Build tools first: jlpm (yarn) ships with jupyterlab.
$(STAMP)/build-tools: $(STAMP)/venv
	$(BIN)/pip install -q $(PYTHON_BUILD_DEPS)
	@touch $@

$(STAMP)/node-modules: package.json yarn.lock $(STAMP)/build-tools
	$(BIN)/jlpm install $(if $(CI),--immutable,)
	@touch $@

$(STAMP)/frontend: $(FRONTEND_SOURCES) $(STAMP)/node-modules
	$(BIN)/jlpm build
	@touch $@

# Editable install; the build hook finds the lab extension built above and skips its own build.
$(STAMP)/install: pyproject.toml $(STAMP)/frontend
	$(BIN)/pip install -q --no-build-isolation -e ".[test,lint]"
	$(BIN)/jupyter labextension develop --overwrite . >/dev/null
	$(BIN)/jupyter server extension enable runnable_jupyter --sys-prefix >/dev/null
	@touch $@

$(STAMP)/ui-node-modules: ui-tests/package.json ui-tests/yarn.lock $(STAMP)/build-tools
	cd ui-tests && $(BIN)/jlpm install $(if $(CI),--immutable,)
	@touch $@

install: $(STAMP)/install
build: $(STAMP)/frontend

chromium:
	@if [ -x "$(CHROMIUM_PATH)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the UI tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "No Chromium at $(CHROMIUM_PATH): install Debian's 'chromium' package or set CHROMIUM_PATH=/path/to/chromium" >&2; \
		exit 1; \
	fi

lab: install
	@mkdir -p examples
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR)/examples \
		$$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
		$$( [ -z "$${DISPLAY:-}" ] && echo --no-browser )

# The same checks as .pre-commit-config.yaml and the lint suite of `make test`.
lint: install
	@scripts/lint

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/jlpm lint

pytest: install
	$(BIN)/python -m pytest

jest: install
	$(BIN)/jlpm test

ui-test: install chromium $(STAMP)/ui-node-modules
	cd ui-tests && $(BIN)/jlpm playwright test

# UI tests save screenshots in ui-tests/screenshots-out/ (ignored): tests never change tracked
# files. This runs the tests that take screenshots and copies them where the README shows them.
screenshots: install chromium $(STAMP)/ui-node-modules
	rm -rf ui-tests/screenshots-out
	cd ui-tests && $(BIN)/jlpm playwright test $$(grep -l "screenshotPath(" tests/*.spec.ts)
	cp ui-tests/screenshots-out/*.png docs/screenshots/

test: install chromium $(STAMP)/ui-node-modules
	@scripts/run-all-tests

clean:
	rm -rf $(STAMP) lib runnable_jupyter/labextension tsconfig.tsbuildinfo
