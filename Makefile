# make run  : set up .venv (first time only) and serve the app on http://localhost:$(PORT)
# make test : set up .venv with test dependencies and run every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: install install-test run test test-fast bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The stamp is rebuilt only when requirements.txt changes, so a second `make install` is instant.
# hfcompare itself is installed editable (no deps: they are the pinned files), which gives the
# `hfcompare` command.
$(VENV)/.installed: requirements.txt requirements-nodeps.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: install-test
	$(PY) -m pytest

test-fast: install-test
	$(PY) -m pytest -m "not e2e"

bench: install
	$(PY) benchmarks/embed_overhead.py

clean:
	rm -rf $(VENV) .pytest_cache
