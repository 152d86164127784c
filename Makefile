# Loket: `make demo` runs it, `make test` checks it. Needs only python3 and make.
SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
# Use the platform certificate store (offices and CI often sit behind their own CA).
export UV_SYSTEM_CERTS := 1
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.uv/bin/uv)
VENV := $(CURDIR)/.venv
PYTEST_ARGS ?=

.PHONY: install demo test lint bench clean

$(CURDIR)/.uv/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.uv
	$(CURDIR)/.uv/bin/pip install --quiet --disable-pip-version-check 'uv>=0.9,<1'

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

# mypy checks the whole package with the configuration in pyproject.toml (strict on
# loket.domain, loket.jobs and loket.messaging, the default level elsewhere; zero errors).
# The migrations check runs on a throwaway SQLite file, whatever DATABASE_URL says.
MYPY_PATHS := src/loket

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(VENV)/bin/mypy $(MYPY_PATHS)
	env -u DATABASE_URL LOKET_SECRET_KEY=lint-only-not-a-secret LOKET_DATA_DIR=$(CURDIR)/var/lint \
		$(VENV)/bin/loket makemigrations --check --dry-run

test: lint
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

demo: install
	$(VENV)/bin/loket demo

bench: install
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) .uv var
