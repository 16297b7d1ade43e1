# The README names two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The address reminders link to (e-mail, webhooks): the one `make run` serves, whatever PORT says.
DT_SITE_URL ?= http://$(HOST):$(PORT)
export DT_SITE_URL
# A local receiver stands in for the WeCom/DingTalk group robots in the demo.
WEBHOOK_PORT ?= 8001
# The demo scans for due reminders every minute (production default: every five).
DEMO_SCAN_SECONDS ?= 60
# Debian packages the product needs: CJK fonts for the opinion letters, Chromium for the browser
# tests, Pango for WeasyPrint, gettext for translations.
APT_PACKAGES ?= fonts-noto-cjk chromium libpango-1.0-0 libpangoft2-1.0-0 gettext
# Tests run against the real PostgreSQL and Redis of the development machines and CI.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/decision_tracker
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# One pytest worker per core, each on its own test database (pytest-xdist; `TEST_WORKERS=0` runs in one process).
TEST_WORKERS ?= auto

.PHONY: run test check install system lint migrations-check messages bench clean
# Compiled translations are built here, not committed.
MO := locale/zh_Hans/LC_MESSAGES/django.mo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

$(MO): locale/zh_Hans/LC_MESSAGES/django.po | $(VENV)/.installed
	$(MANAGE) compilemessages -l zh_Hans --ignore=.venv -v0

# Installs the Debian packages that are missing (as root, or through sudo).
system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo="sudo"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

run: system install $(MO)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) demo_reminders --webhook-url http://127.0.0.1:$(WEBHOOK_PORT)/robot
	@echo
	@echo "  Decision tracker: http://$(HOST):$(PORT)/   (admin: http://$(HOST):$(PORT)/admin/)"
	@$(MANAGE) seed_demo --list-logins
	@echo "  Reminders: in the bell, as e-mail files in var/mail/, and as webhooks printed below."
	@echo "  Web server, Celery worker, Celery beat and the webhook receiver are starting; Ctrl-C stops them all."
	@echo
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/python -m demo.webhook_receiver --port $(WEBHOOK_PORT) & \
	  $(BIN)/celery -A config worker --pool=solo --loglevel=INFO & \
	  DT_REMINDER_SCAN_SECONDS=$(DEMO_SCAN_SECONDS) $(BIN)/celery -A config beat --loglevel=WARNING & \
	  $(MANAGE) runserver $(HOST):$(PORT) & \
	  wait

lint: install
	$(BIN)/ruff check .

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

# The guards of the architecture and style run first (seconds), then the suite with coverage.
test: system install $(MO) check
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} TEST_REDIS_URL=$${TEST_REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term:skip-covered $(PYTEST_ARGS)
	$(BIN)/python -m tests.coverage_by_app

# Lint, format, layer contracts, types and migrations: what `make test` checks before the suite.
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(MANAGE) makemigrations --check --dry-run

# Refresh the catalogue after changing user-facing strings, then translate the new entries.
messages: install
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(MANAGE) compilemessages -l zh_Hans --ignore=.venv

# City scale by default; `make bench BENCH_ARGS="--scale province"` seeds 100,000 decisions and loads
# them through gunicorn (bench/province.py, BENCHMARKS.md).
bench: system install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)_bench} $(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis .coverage
