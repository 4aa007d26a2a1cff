# crosslink — the two commands: `make demo` and `make test`. Needs only python3 and Java.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export CROSSLINK_HOME ?= $(CURDIR)/var
export GX_ANALYTICS_ENABLED := false
export SPARK_LOCAL_IP := 127.0.0.1

DEMO_CUSTOMERS ?= 3000
DEMO_DAYS      ?= 8
DEMO_SEED      ?= 7
# pytest-xdist processes for `make test`, each with its own Spark; 0 runs in one process
TEST_WORKERS   ?= 2

.PHONY: demo test lint install clean

# pip byte-compiles one file at a time; compileall does it on every core (134 s -> 93 s for the
# whole install here). The bytecode matters: with PYTHONDONTWRITEBYTECODE set, as on CI, no
# import would ever write it, and every process would compile Airflow, GX and MLflow again.
$(STAMP): setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-compile -e ".[dev]"
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/crosslink demo --customers $(DEMO_CUSTOMERS) --days $(DEMO_DAYS) --seed $(DEMO_SEED)

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

clean:
	rm -rf var .pytest_cache .ruff_cache

# Airflow on this machine (home: $(CROSSLINK_HOME)/airflow): one business date without a
# scheduler, or the whole UI on 127.0.0.1 until Ctrl-C.
.PHONY: airflow-test airflow-ui
airflow-test: $(STAMP)
	@test -n "$(DATE)" || { echo "usage: make airflow-test DATE=YYYY-MM-DD"; exit 2; }
	$(BIN)/crosslink airflow test --date $(DATE)

airflow-ui: $(STAMP)
	$(BIN)/crosslink airflow ui
