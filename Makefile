# ctipgraph: `make run` installs, builds the graph and serves it; `make test` installs and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NODE_STAMP := node_modules/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: install test lint run build clean chromium virtuoso bench-scale bench-vs-virtuoso

# pip shows what it collects and installs (a minute or so the first time), not a silent wait
$(STAMP): pyproject.toml
	@echo "==> [1/3] Python environment in $(VENV) and ctipgraph's packages (about a minute the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar on -e '.[test]'
	@touch $(STAMP)
	@echo "==> Python packages installed"

# front-end packages (YASGUI for the query editor), served by Flask from node_modules/
$(NODE_STAMP): package.json package-lock.json
	@echo "==> [2/3] front-end packages (the query editor, YASGUI) with npm"
	command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# Debian's Chromium for the browser tests (driven by Playwright; no browser download)
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "apt-get is not available: browser tests need $(CHROMIUM) and will be skipped"; fi

# Debian's Virtuoso 7.2: the SPARQL server the publish and backend tests start on loopback
# (tests/_virtuoso.py), and the peer the scale benchmark compares with
virtuoso:
	@if command -v virtuoso-t >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource; \
	else echo "apt-get is not available: tests that need virtuoso-t (virtuoso-opensource 7.2) will be skipped"; fi

install: $(STAMP) $(NODE_STAMP) chromium virtuoso

lint: install
	$(BIN)/ruff check src tests $(wildcard bench)

# two processes (pytest-xdist; TEST_PROCESSES=0 runs them in this one)
TEST_PROCESSES ?= 2
test: install lint
	$(BIN)/pytest -q -n $(TEST_PROCESSES)

# issue 13's benchmark: the project's corpus and the regional reports (built once into
# build/regional-ttl/) replicated to QUADS quads; ctipgraph in-process, on disk, over HTTP and
# Virtuoso side by side (bench/bench_scale.py; about 45 minutes and 10 GB of memory at 10 M)
QUADS ?= 10000000
REGIONAL_PDF ?= ../shared/corpus/regional/pdf
REGIONAL_TTL := build/regional-ttl
$(REGIONAL_TTL).built: $(STAMP)
	@mkdir -p $(dir $(REGIONAL_TTL))
	$(BIN)/ctipgraph build --sources $(REGIONAL_PDF) --out $(REGIONAL_TTL) --jobs 2 --quiet
	touch $@
bench-scale: install virtuoso $(REGIONAL_TTL).built
	$(BIN)/python bench/bench_scale.py --quads $(QUADS) --extra-ttl $(REGIONAL_TTL) --virtuoso
# then each query in process and on Virtuoso in turn, on the store and the Virtuoso database
# bench-scale left in its work folder (bench/bench_vs_virtuoso.py; about 12 minutes at 10 M)
bench-vs-virtuoso: install virtuoso
	$(BIN)/python bench/bench_vs_virtuoso.py --work /tmp/ctip-scale

build: install
	$(BIN)/ctipgraph build

run: install
	@ls data/ttl/*.ttl >/dev/null 2>&1 || { echo "==> building the graph from data/sources/"; \
	  $(BIN)/ctipgraph build; }
	@echo "==> [3/3] loading the store and serving it on http://127.0.0.1:5000/ (Ctrl-C stops)"
	$(BIN)/ctipgraph serve --host 127.0.0.1 --port 5000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
