# hrdd: `make run` to try it, `make test` to check everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install messages run dev static serve-production worker test lint format test-postgres openapi clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The translation catalogues (Dutch, French, German) are compiled at install, with Babel from PyPI.
CATALOGUES := $(wildcard hrdd/locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

messages: $(COMPILED)

install: $(STAMP) messages

# As in production, DEBUG is off: a visitor sees hrdd's own error pages. The secret key is made once and kept in
# var/secret_key. `make dev` serves with HRDD_DEBUG=1 (Django's tracebacks; static files read from the source).
run: $(STAMP) messages static
	$(BIN)/hrdd migrate
	$(BIN)/hrdd demo
	$(BIN)/hrdd serve

dev: $(STAMP) messages
	$(BIN)/hrdd migrate
	$(BIN)/hrdd demo
	HRDD_DEBUG=1 $(BIN)/hrdd serve

# The static files (CSS, scripts, icons) copied with a compressed copy each into var/static (HRDD_STATIC_ROOT).
static: $(STAMP)
	$(BIN)/hrdd manage collectstatic --noinput --verbosity 0

# Production (README, "Running in production"): gunicorn with config/gunicorn.conf.py after the static files and the
# migrations; the settings come from the environment (HRDD_SECRET_KEY, HRDD_BASE_URL, DATABASE_URL, ...). Run the
# task worker (`make worker`) as a service beside it.
serve-production: $(STAMP) messages static
	$(BIN)/hrdd migrate
	$(BIN)/gunicorn -c config/gunicorn.conf.py

# The task worker alone (`make run` already starts one beside the server).
worker: $(STAMP)
	$(BIN)/hrdd tasks worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy hrdd/domain

# pytest-xdist spreads the tests over the machine's cores (PYTEST_WORKERS=0 runs them in one process); a worker
# that runs out of tests takes some of another's (worksteal), so the slow browser and migration tests at the end do
# not leave one core idle (6 min 41 s -> 5 min 19 s on 2 cores).
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal

test: lint messages
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(PYTEST)

# The suite again against PostgreSQL (CI runs this where a server listens on 127.0.0.1:5432).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
test-postgres: $(STAMP) messages
	DATABASE_URL=$(POSTGRES_URL) $(PYTEST)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

openapi: $(STAMP)
	$(BIN)/python -m hrdd manage export_openapi > docs/openapi.json

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
