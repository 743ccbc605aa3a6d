# Two commands: `make run` serves the app on SQLite; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: install run test lint typecheck clean translations

# The compiled catalogues (not committed): rebuilt whenever their .po changes.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

install: $(STAMP) $(NODE_STAMP) $(CATALOGUES)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

# For developers: extract the messages of the code and templates, then merge them into each .po.
translations: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --no-wrap \
		--project Matchmaker -o translations/messages.pot matchmaker templates
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-wrap

# axe-core, for the accessibility checks of the browser tests (skipped, with a reason, without it).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility checks in tests/e2e will be skipped"; fi

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

# ruff; bandit fails on medium severity or above; mypy on the engine and the models ([tool.mypy])
lint: install
	$(BIN)/ruff check matchmaker models tests
	$(BIN)/bandit -q -r matchmaker models --severity-level medium
	$(BIN)/mypy

# mypy alone
typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(VENV) *.egg-info node_modules
