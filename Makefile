# Cabin: the two commands a newcomer needs are `make demo` and `make test`.
# Both set everything up first (tools/setup.sh: apt packages, .venv, models), idempotently.

VENV   := .venv
PY     := $(VENV)/bin/python
CABIN  := $(VENV)/bin/cabin
DEMO   := build/demo

.PHONY: setup demo test test-fast lint typecheck commands clean

setup:
	@bash tools/setup.sh

## demo: replay a recorded cabin session end to end against the simulated car
demo: setup
	@$(PY) tools/build_demo_session.py --out $(DEMO)/session.wav
	@$(CABIN) replay $(DEMO)/session.wav --config cabin.yaml \
	    --events $(DEMO)/events.jsonl --reply-wav $(DEMO)/reply.wav

## test: lint, type-check, then the whole suite (real models included; see README)
test: setup lint typecheck
	@$(VENV)/bin/pytest -q

## test-fast: the suite without the tests marked slow (real ASR/TTS model runs)
test-fast: setup lint typecheck
	@$(VENV)/bin/pytest -q -m "not slow"

lint:
	@$(VENV)/bin/ruff check daemon vehicle_tools tests tools

typecheck:
	@$(VENV)/bin/mypy

## commands: build the command test set (Piper speech + real wake words + car noise)
commands: setup
	@$(PY) tools/build_command_set.py --out build/commands

clean:
	rm -rf build .mypy_cache .ruff_cache .pytest_cache
