# Link Worker Academy — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
UV_VERSION := 0.13.9
BOOTSTRAP := .bootstrap
UV := $(BOOTSTRAP)/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default, each handed tests in the collected order
# as it frees up (load). Not worksteal: a process that steals takes the end of another's queue,
# the transactional tests that empty the database, and then runs ordinary tests after them.
PYTEST_WORKERS ?= auto
# Debian packages the app needs to run: Pango and fontconfig for WeasyPrint, and the Noto fonts that
# certificates embed so that holder names print in any script (the demo issues certificates).
FONT_PACKAGES := fonts-noto-core fonts-noto-cjk
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fontconfig $(FONT_PACKAGES)
# ...and those only the suite needs on top: the browser and the PDF text tools.
TEST_PACKAGES := chromium poppler-utils

.PHONY: help install runtime-deps system-deps font-packages preflight assets migrate demo serve test lint checks pytest clean bench scale-demo test-scale backup restore

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV): | preflight
	python3 -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

static/nhsuk/css/main.css: node_modules/.installed assets/build.mjs $(wildcard assets/scss/*.scss)
	npm run --silent build

install: .venv/.synced assets ## Install Python and front-end dependencies and build the assets

assets: static/nhsuk/css/main.css ## Build the NHS.UK frontend CSS/JS into static/nhsuk

preflight:
	@command -v python3 >/dev/null || { echo "make demo needs python3 (with venv) on the PATH." >&2; exit 1; }
	@command -v npm >/dev/null || { echo "make demo needs Node.js 20+ and npm on the PATH (Debian: apt-get install nodejs npm)." >&2; exit 1; }

runtime-deps: ## Install the Debian packages the app needs to run (Pango, fonts) when missing
	@DEBIAN_PACKAGES_PURPOSE="certificates (Pango and fonts)" scripts/debian-packages $(RUNTIME_PACKAGES)

system-deps: ## Install the Debian packages the app and the tests need when missing
	@DEBIAN_PACKAGES_PURPOSE="the app and its tests" scripts/debian-packages $(RUNTIME_PACKAGES) $(TEST_PACKAGES)

font-packages: # For .ci/run, which removes them to prove that `make demo` installs them
	@echo $(FONT_PACKAGES)

migrate: install ## Apply database migrations
	$(MANAGE) migrate --noinput

demo: runtime-deps migrate ## Install, migrate the SQLite database, load demo data and serve on http://127.0.0.1:8000
	$(MANAGE) load_demo_data
	@# Certificates issued before credentials were signed (an older demo database) get theirs.
	$(MANAGE) sign_credentials
	@# Background tasks (search index, reference index) queued by the demo data run now.
	$(MANAGE) db_worker --batch --no-startup-delay > .demo-worker.log 2>&1
	@echo ""
	@echo "Link Worker Academy: http://$(HOST):$(PORT)/  (curriculum admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Sign in as trainer@, reviewer@, assessor@, linkworker@ or manager@example.org with the password demo-password."
	@echo "Background tasks run alongside (log: .demo-worker.log). Press Ctrl+C to stop."
	@$(MANAGE) db_worker --no-startup-delay >> .demo-worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

serve: migrate ## Serve without touching the demo data
	$(MANAGE) runserver $(HOST):$(PORT)

lint: install ## ruff format --check and ruff check
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

checks: install ## Django system checks, migrations check, deployment check under production settings
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY=check-deploy-only-$$(date +%s)-a-long-random-looking-secret-value-for-checks \
	DJANGO_ALLOWED_HOSTS=academy.example.org \
	CREDENTIAL_SIGNING_KEYS="$$(DJANGO_SETTINGS_MODULE=config.settings.dev $(MANAGE) credential_key check-only)" \
	$(MANAGE) check --deploy --fail-level WARNING

pytest: install system-deps ## The pytest suite alone (browser tests included)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist load -m "not scale" $(PYTEST_ARGS)

test: lint checks pytest ## Everything: lint, checks and the whole test suite

# The national-scale database make bench seeds (or reuses), beside a 1/100th one (..._small).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lwa_scale
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/3
bench: install runtime-deps ## Seed or reuse the national-scale PostgreSQL database and measure it (BENCH_ARGS="--only verification --quick")
	@DEBIAN_PACKAGES_PURPOSE="make bench (wrk drives the load)" scripts/debian-packages wrk
	DJANGO_SETTINGS_MODULE=scale.bench.settings \
	DJANGO_SECRET_KEY=bench-only-$$(date +%s)-$$RANDOM-a-throwaway-secret-for-the-benchmark-servers \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0 RATE_LIMITS_ENABLED=0 \
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$(BENCH_CACHE_URL) \
	CREDENTIAL_SIGNING_KEYS="$$(DJANGO_SETTINGS_MODULE=config.settings.dev $(MANAGE) credential_key bench)" \
	$(MANAGE) bench $(BENCH_ARGS)

scale-demo: install runtime-deps ## Two app servers and two task workers on one PostgreSQL, Redis (database 7) and a local S3 server
	$(PY) scripts/scale_demo.py $(SCALE_DEMO_ARGS)

# The scale tests run on PostgreSQL, as the bench and a scaled-out site do.
SCALE_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lwa_scale_tests
test-scale: install runtime-deps ## The scale-out tests, left out of make test: two task workers; the scale demo driven over HTTP
	DATABASE_URL=$(SCALE_TEST_DATABASE_URL) $(PY) -m pytest -n 0 -m scale --create-db

# Backups: a folder, or s3://bucket/prefix on the configured S3 store (STORAGE_S3_ENDPOINT_URL).
BACKUP_TO ?= backups
BACKUP_CLIENT = case "$${DATABASE_URL:-}" in postgres*) DEBIAN_PACKAGES_PURPOSE="$@ (pg_dump and pg_restore)" scripts/debian-packages postgresql-client;; esac

backup: .venv/.synced ## Back up the database and every stored file into a new folder in BACKUP_TO (a folder or s3://bucket/prefix; default backups/)
	@$(BACKUP_CLIENT)
	$(MANAGE) backup --to "$(BACKUP_TO)"

restore: .venv/.synced ## Restore the newest backup in BACKUP_FROM (default BACKUP_TO) into an empty database and check every certificate (FORCE=1 replaces a non-empty one)
	@$(BACKUP_CLIENT)
	$(MANAGE) restore --from "$(or $(BACKUP_FROM),$(BACKUP_TO))" $(if $(FORCE),--force)

clean: ## Remove installed and generated files (keeps the database)
	rm -rf .venv $(BOOTSTRAP) node_modules static/nhsuk staticfiles .pytest_cache .ruff_cache
