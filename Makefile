# The project's entry points. `make run` serves the app on the embedded default (SQLite, tasks in process) with
# demo data; `make test` runs the whole suite against whatever DATABASE_URL and CELERY_BROKER_URL say.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint worker train

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-installs only when a requirements file changed.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The German-English dictionaries the evidence search bridges the two languages with (Debian's FreeDict packages).
# Installed with apt-get where it can be (root on Debian); elsewhere a note, as the search works without them, less
# well: install them by hand with your system's packages.
DICTIONARIES := /usr/share/dictd/freedict-deu-eng.index /usr/share/dictd/freedict-eng-deu.index

install: $(VENV)/.installed
	@if ! ls $(DICTIONARIES) >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && apt-get install -y -qq dict-freedict-deu-eng dict-freedict-eng-deu >/dev/null; \
	  else \
	    echo "note: dict-freedict-deu-eng and dict-freedict-eng-deu are not installed; proposals find fewer" \
	      "documents in the other language"; \
	  fi; \
	fi

# `manage.py demo` migrates, loads the demo (`load_demo`) and serves, printing the demo users after the server's
# start-up lines. HOST and PORT choose the address: `make run HOST=0.0.0.0 PORT=8080`.
run: install
	DEBUG=true $(BIN)/python manage.py demo $(HOST):$(PORT)

test: install
	SECRET_KEY=$${SECRET_KEY:-insecure-test-key} $(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY=$${SECRET_KEY:-insecure-test-key} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A worker for a setup with Redis: CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make worker
worker: install
	OMP_NUM_THREADS=1 $(BIN)/celery -A factcheck worker --loglevel=INFO

# Retrain the shipped models from ../shared/eval (about 20 minutes on one core the first time; embeddings are cached
# in $TMPDIR). Writes claims/analysis/weights/; see the model card there.
train: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-train.txt
	OMP_NUM_THREADS=1 $(BIN)/python -m training.train_checkworthiness
	OMP_NUM_THREADS=1 $(BIN)/python -m training.train_subjectivity
	OMP_NUM_THREADS=1 $(BIN)/python -m training.train_attribution
