# The two commands a newcomer types: `make demo` and `make test`. Both build .venv the first time.
VENV   := .venv
PYTHON := python3
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test test-slow lint bench clean

$(STAMP): requirements.lock pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -c requirements.lock -e '.[instructor,dev]'
	touch $@

ASSIGNMENTS := $(patsubst assignments/%/assignment.toml,%,$(wildcard assignments/*/assignment.toml))

demo: $(STAMP)
	@for a in $(ASSIGNMENTS); do \
	  if [ ! -d assignments/$$a/examples ]; then echo "== $$a: no examples/ folder, skipped"; continue; fi; \
	  echo "== $$a"; $(VENV)/bin/grader grade assignments/$$a/examples -a $$a -o reports/$$a || exit 1; \
	done

# Two tiers that together are the whole suite; CI runs both. `make test` is everything but the
# tests marked slow, in TEST_PROCESSES pytest processes (pytest-xdist; a test file stays in one
# process, so its module fixtures run once). `make test-slow` runs the slow ones, one at a time:
# whole classes graded end to end (the hostile corpus, resume, Dask, the torch example classes).
TEST_PROCESSES ?= 2

test: $(STAMP)
	$(VENV)/bin/python -m pytest -m "not slow" -n $(TEST_PROCESSES) --dist loadfile

test-slow: $(STAMP)
	$(VENV)/bin/python -m pytest -m slow

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_grading.py

clean:
	rm -rf $(VENV) $(addprefix reports/,$(ASSIGNMENTS))
