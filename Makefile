# Two commands: `make run` serves the app on SQLite; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/matchmaker init --demo
	$(BIN)/matchmaker run

# The suite always runs on SQLite; when TEST_DATABASE_URL is set, once more on that database
# (one database per xdist worker, created on demand). PYTEST_ARGS adds options.
PYTEST := $(BIN)/python -m pytest -n $(or $(TEST_WORKERS),2)
test: install
	env -u TEST_DATABASE_URL $(PYTEST) $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on $${TEST_DATABASE_URL%%@*}@..."; \
		$(PYTEST) $(PYTEST_ARGS); \
	fi

lint: install
	$(BIN)/ruff check matchmaker models tests

clean:
	rm -rf $(VENV) *.egg-info
