# Two commands do all set-up on a fresh machine with Python 3.13 and make:
#   make run    serve the product (with the Kantata OX sandbox and demo data)
#   make test   run the whole test suite
PORT ?= 8000
export PORT
export UV_PYTHON_DOWNLOADS ?= never

# uv itself: the one on PATH if it works, else a private copy installed with pip.
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo .uv-bootstrap/bin/uv)
MANAGE := $(UV) run --locked python manage.py

.PHONY: run test lint format sync clean

.uv-bootstrap/bin/uv:
	python3 -m venv .uv-bootstrap
	.uv-bootstrap/bin/python -m pip install --quiet uv

sync: $(if $(filter uv,$(UV)),,.uv-bootstrap/bin/uv)
	$(UV) sync --locked

run: sync
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_setup --port $(PORT)
	$(UV) run --locked gunicorn kantata_admin.wsgi --bind 127.0.0.1:$(PORT) \
		--worker-class gthread --workers 1 --threads 8 --access-logfile - --forwarded-allow-ips ""

# axe-core for the browser tests' accessibility checks, from the npm registry.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --silent --no-audit --no-fund

test: sync node_modules/axe-core/axe.min.js
	$(UV) run --locked pytest

lint: sync
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .

format: sync
	$(UV) run --locked ruff format .
	$(UV) run --locked ruff check --fix .

clean:
	rm -rf .venv .uv-bootstrap db.sqlite3 db.sqlite3-* staticfiles
