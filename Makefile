# debt_followup: `make demo` serves the demo, `make test` runs the tests.
# Settings: ODOO_SRC (Odoo 19.0 source; cloned from ODOO_REPO when empty),
# DEBT_CACHE (venv, PostgreSQL cluster, databases), PGPORT, HTTP_PORT.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ENV := dev/env.sh
DEMO_DB ?= debt_followup_demo
TEST_DB ?= debt_followup_test
HTTP_PORT ?= 8069
LANGS := it_IT,pt_PT,pt_BR
PYTEST_ARGS ?= debt_followup/tests debt_followup_l10n_it_edi/tests debt_followup_queue_job/tests tests

.PHONY: setup demo demo-db test lint bench stop i18n

setup:
	@$(ENV) setup

# With Contacts: the demo's salesperson reaches customers from a menu.
demo-db: setup
	@if ! $(ENV) db-exists $(DEMO_DB); then \
	    $(ENV) fresh-db $(DEMO_DB) --with-demo; \
	    $(ENV) odoo -d $(DEMO_DB) -i debt_followup,contacts --load-language=$(LANGS) --stop-after-init --log-level=warn \
	        || { $(ENV) psql -c 'DROP DATABASE "$(DEMO_DB)"'; echo "ERROR: installing the addon failed" >&2; exit 1; }; \
	    if [ "$$($(ENV) psql -d $(DEMO_DB) -c 'SELECT COUNT(*) FROM ir_demo_failure')" != 0 ]; then \
	        $(ENV) psql -d $(DEMO_DB) -c 'SELECT error FROM ir_demo_failure' >&2; \
	        $(ENV) psql -c 'DROP DATABASE "$(DEMO_DB)"'; \
	        echo "ERROR: the demo data failed to load (see above); $(DEMO_DB) dropped" >&2; exit 1; \
	    fi; \
	fi

demo: demo-db
	@echo "==> Odoo on http://localhost:$(HTTP_PORT)  (database $(DEMO_DB); Ctrl-C stops)"
	@echo "    log in as admin / admin, or as a demo user (password = login):"
	@echo "    giulia and rafael (collectors), marco (salesperson), ana (collection manager)"
	@$(ENV) odoo -d $(DEMO_DB) --db-filter='^$(DEMO_DB)$$' --http-port=$(HTTP_PORT) --log-level=warn

# The addon and its bridges (l10n_it_edi: about 20 s more; queue_job: OCA's
# queue_job, which dev/env.sh installs outside the repository), tested in one
# run; Contacts too, from whose menu the salesperson's tour reaches a customer.
test: setup
	@$(ENV) fresh-db $(TEST_DB)
	@$(ENV) odoo -d $(TEST_DB) -i debt_followup,debt_followup_l10n_it_edi,debt_followup_queue_job,contacts --load-language=$(LANGS) \
	    --stop-after-init --log-level=warn
	@$$($(ENV) bin)/pytest -p no:cacheprovider --odoo-database=$(TEST_DB) --odoo-config=$$($(ENV) conf) \
	    --odoo-http $(PYTEST_ARGS)

lint: setup
	@$$($(ENV) bin)/ruff check .
	@$$($(ENV) bin)/ruff format --check .
	@$$($(ENV) bin)/pylint --rcfile=.pylintrc debt_followup debt_followup_l10n_it_edi debt_followup_queue_job

bench: setup
	@$(ENV) python dev/bench.py $(BENCH_ARGS)

i18n: setup
	@$(ENV) python dev/i18n.py export $(TEST_DB)

stop:
	@$(ENV) stop
