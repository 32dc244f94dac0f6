# One command to run Aduan, one to test it; both set up the virtualenv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test setup lint locales demo clean bench

$(BIN)/aduan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/aduan

## run: set up, then run the bot (with no TELEGRAM_BOT_TOKEN: the demo against the local simulator)
run: setup
	$(BIN)/aduan run

demo: setup
	$(BIN)/aduan demo

## test: set up, then lint, type-check, check the layering and run the whole test suite
test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## locales: extract the strings into locales/aduan.pot and merge them into both catalogs
locales: setup
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -o locales/aduan.pot -k _ -k ngettext:1,2 .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i locales/aduan.pot -d locales -D aduan

## bench: intake vs bare echo updates/s for each Telegram driver (figures go in README's Performance)
bench: setup
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
