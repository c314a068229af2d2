# Bimtek: `make run` serves the app with its job consumer; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_WORKERS ?= 4

.PHONY: run test install install-test translations lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt $(VENV)/.installed
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations

# Compile every gettext catalog (the app's and each feature's) so a fresh clone shows both languages.
CATALOG_DIRS = translations $(wildcard bimtek/*/translations)
translations: $(VENV)/.installed
	@for dir in $(CATALOG_DIRS); do $(BIN)/pybabel -q compile -d $$dir || exit 1; done

# Links in emails, .ics files and certificate QR codes follow HOST/PORT unless BIMTEK_BASE_URL is set.
run: export BIMTEK_BASE_URL := $(or $(BIMTEK_BASE_URL),http://$(HOST):$(PORT))
run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo ""
	@echo "Bimtek is serving at http://$(HOST):$(PORT) (links in emails and QR codes: $$BIMTEK_BASE_URL)"
	@echo "Demo logins, password bimtek-demo-2022 for each:"
	@echo "  organizer      panitia@demo.bimtek.id"
	@echo "  admin          admin@demo.bimtek.id"
	@echo "  check-in staff petugas@demo.bimtek.id"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
		$(FLASK) jobs worker & \
		$(FLASK) run --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test lint
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install-test
	@echo "See README: each bench/*.py prints its own figures."

clean:
	rm -rf $(VENV) instance
