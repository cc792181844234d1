# anpo: two commands set a fresh machine up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PRECOMPILED := $(VENV)/.precompiled
# What `anpo.precompile` compiles from: the step itself, the *_kernel.py files, and every module
# that uses numba with the anpo modules it imports (constants numba freezes into machine code).
KERNEL_SOURCES := src/anpo/precompile.py $(wildcard src/anpo/*/*_kernel.py) \
  $(shell $(PYTHON) tools/kernel_sources.py 2>/dev/null)
VENDOR := src/anpo/web/vendor
VENDOR_STAMP := $(VENDOR)/.installed

.PHONY: install run test lint bench clean

install: $(STAMP) $(PRECOMPILED) $(VENDOR_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Compiled kernels, bytecode and maps, again whenever a kernel source changes. numba checks a
# cached kernel against its own file only, not the modules it inlines: the cache is cleared first.
# The batch's kernels also become one C extension (numba.pycc, a C compiler; src/anpo/core/
# _batch_kernels.*), stamped with its sources' hashes: without it batches use numba's JIT.
$(PRECOMPILED): $(STAMP) $(sort $(KERNEL_SOURCES))
	find src/anpo -path '*/__pycache__/*' \( -name '*.nbi' -o -name '*.nbc' -o -name 'coast_buckets.*.npy' \) -delete
	$(BIN)/python -m anpo.precompile
	touch $(PRECOMPILED)

# The dashboard's front-end libraries, from npm (package-lock.json), copied into the package.
$(VENDOR_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory npm-from-debian
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/leaflet $(VENDOR)/swagger-ui $(VENDOR)/plot
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
	  node_modules/leaflet/dist/images node_modules/leaflet/LICENSE $(VENDOR)/leaflet/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	  node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	cp node_modules/d3/dist/d3.min.js $(VENDOR)/plot/d3.min.js && cp node_modules/d3/LICENSE $(VENDOR)/plot/LICENSE-d3
	cp node_modules/@observablehq/plot/dist/plot.umd.min.js $(VENDOR)/plot/plot.min.js
	cp node_modules/@observablehq/plot/LICENSE $(VENDOR)/plot/LICENSE-plot
	touch $(VENDOR_STAMP)

# A fresh Debian machine has no npm: install Debian's (as root, or through sudo).
.PHONY: npm-from-debian
npm-from-debian:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends npm

# The main job: serve the dashboard and the HTTP API (embedded SQLite), printing the URL.
run: install
	$(BIN)/anpo serve

lint: install
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

# The benchmark-only peer (OpenFisca, AGPL-3.0) goes into the venv here, never into the package.
bench: install
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules $(VENDOR)
