# Two commands do all set-up on a fresh machine with Python 3.13 and make:
#   make run    serve the product: the dashboard on PORT and the Kantata OX sandbox, a
#               service of its own, on SANDBOX_PORT (every process in Procfile, by honcho)
#   make test   run the whole test suite
PORT ?= 8000
SANDBOX_PORT ?= 8001
export PORT SANDBOX_PORT
export UV_PYTHON_DOWNLOADS ?= never

# uv itself: the one on PATH if it works, else a private copy installed with pip.
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo .uv-bootstrap/bin/uv)
MANAGE := $(UV) run --locked python manage.py

.PHONY: run test fuzz lint format sync clean

.uv-bootstrap/bin/uv:
	python3 -m venv .uv-bootstrap
	.uv-bootstrap/bin/python -m pip install --quiet uv

sync: $(if $(filter uv,$(UV)),,.uv-bootstrap/bin/uv)
	$(UV) sync --locked

# demo_setup also migrates and seeds the sandbox's own database, under its own settings.
run: sync
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_setup --port $(PORT)
	$(UV) run --locked honcho start

# axe-core for the browser tests' accessibility checks, from the npm registry.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --silent --no-audit --no-fund

# The suite mostly waits on HTTP (the sandbox is another process), so it runs in
# TEST_WORKERS pytest-xdist workers, each with its own test database and sandboxes (a
# worker starts the session's sandboxes it needs: the small expiring one and the 10,000
# groups one may start on both).
TEST_WORKERS ?= 2
test: sync node_modules/axe-core/axe.min.js
	$(UV) run --locked pytest -n $(TEST_WORKERS)

# The large property-test runs, outside the default one (tests/sandbox/test_no_5xx.py).
fuzz: sync
	$(UV) run --locked pytest tests/sandbox/test_no_5xx.py tests/load/test_fuzz.py --hypothesis-profile=thorough

lint: sync
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .

format: sync
	$(UV) run --locked ruff format .
	$(UV) run --locked ruff check --fix .

clean:
	rm -rf .venv .uv-bootstrap db.sqlite3 db.sqlite3-* sandbox.sqlite3 sandbox.sqlite3-* staticfiles
