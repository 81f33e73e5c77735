# Two commands matter: `make demo` and `make test` (see README). The rest are their parts.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell scripts/find-python)
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test install install-test assets translations migrate lint typecheck bench serve clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(TEST_STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

assets:
	scripts/build-assets

translations: $(STAMP)
	$(BIN)/gongzhi compiletranslations

migrate: $(STAMP)
	$(BIN)/gongzhi migrate --noinput

demo: install assets translations migrate
	$(BIN)/gongzhi demo --if-empty
	$(BIN)/gongzhi demo_logins
	scripts/serve-demo

test: install-test assets translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# lint-imports checks the contracts in pyproject.toml: apps import only downward (decision 0043);
# mypy checks core and appeals strictly (pyproject.toml's override for gongzhi.core.* and gongzhi.appeals.*).
lint: install-test
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy src/gongzhi/core src/gongzhi/appeals

typecheck: install-test
	$(BIN)/mypy src/gongzhi

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var node_modules src/gongzhi/static_build src/gongzhi/fonts_build

lint-ci: install-test
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy src/gongzhi/core src/gongzhi/appeals
	$(BIN)/gongzhi makemigrations --check --dry-run
