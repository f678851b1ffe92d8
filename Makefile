# EduPlatform -- see README.md. Every target creates ./.venv and installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo up down test lint format lock clean-devstack bench-search bench-projections bench-read bench-web loadtest loadtest-ui

$(INSTALLED): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/edu stack run

up: $(INSTALLED)
	$(BIN)/edu stack up

down:
	@if [ -x $(BIN)/edu ]; then $(BIN)/edu stack down; else echo "Nothing to stop (no ./.venv yet)."; fi

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser tests drive Debian's Chromium (Playwright's own browser download is not reachable everywhere):
# installed here when missing, as root or with password-less sudo; elsewhere, install it or set CHROMIUM.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO=sudo; else \
		echo "The browser tests need Chromium: sudo apt-get install chromium (or make test CHROMIUM=/path/to/chromium)"; \
		exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$SUDO apt-get install -y --no-install-recommends chromium || \
		{ $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends chromium; }

test: lint $(CHROMIUM)
	EDU_TEST_CHROMIUM=$(CHROMIUM) $(BIN)/pytest

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Embedded search engine vs PostgreSQL ILIKE and pg_trgm, written to docs/benchmarks.md (~4 min at the
# default 100,000 courses). Options through ARGS, e.g. make bench-search ARGS="--docs 10000 --no-write".
bench-search: $(INSTALLED)
	$(BIN)/python -m loadtest.bench_search $(ARGS)

# Full rebuild time at 100,000 courses and commit-to-visible lag at a steady 50 commands/s for 60 s, on a
# private PostgreSQL, Redis and services; written to docs/benchmarks.md (~8 min). Quick look without
# writing: .venv/bin/python -m loadtest.bench_projections --courses 2000 --seconds 10
bench-projections: $(INSTALLED)
	$(BIN)/python -m loadtest.bench_projections --courses 100000 --rate 50 --seconds 60 --write-docs $(ARGS)

# Read API throughput at saturation and p50/p99 at 60% of it, per endpoint (card, curriculum, catalog page,
# search), open loop from several generator processes against the read API on a private platform seeded with
# 100,000 courses; written to docs/benchmarks.md (~10 min). Run it on a quiet machine. Quick look without
# writing: .venv/bin/python -m loadtest.bench_read --courses 5000 --step-seconds 3
bench-read: $(INSTALLED)
	$(BIN)/python -m loadtest.bench_read --courses 100000 --floor --write-docs $(ARGS)

# Search as you type in the browser: keystroke to rendered results (p50/p99) in Debian's Chromium, on a
# private platform seeded with 100,000 courses; written to docs/benchmarks.md (~8 min). Quick look without
# writing: .venv/bin/python -m loadtest.bench_web --courses 3000 --sessions 10
bench-web: $(INSTALLED) $(CHROMIUM)
	$(BIN)/python -m loadtest.bench_web --courses 100000 --write-docs $(ARGS)

# Locust, headless, against the running stack (make up, with `edu seed --scale full` data): a summary table,
# Locust's CSV and HTML report in loadtest/results/; exits 1 if any request failed (loadtest/locust_run.py).
USERS ?= 100
SPAWN ?= 20
DURATION ?= 5m
PROCESSES ?= 2
loadtest: $(INSTALLED)
	$(BIN)/python -m loadtest.locust_run --users $(USERS) --spawn-rate $(SPAWN) --run-time $(DURATION) \
		--processes $(PROCESSES) $(ARGS)

# The same users in Locust's web UI (http://127.0.0.1:8089); teachers need accounts: see docs/operations.md.
loadtest-ui: $(INSTALLED)
	$(BIN)/python -m loadtest.locust_run --ui --processes $(PROCESSES) $(ARGS)

# Re-pin every dependency after editing pyproject.toml.
lock: $(INSTALLED)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev -o requirements.lock
