# The two entry points the README names. Each installs what it needs first.
VENV ?= .venv
PYTEST_ARGS ?=

.PHONY: demo test bootstrap lint

bootstrap:
	@bash scripts/bootstrap.sh

# The main job end to end on the embedded default (bundled digits data, no download).
demo: bootstrap
	$(VENV)/bin/tintin demo --out out/demo

# The whole test suite; in CI (CI=true) tests that need the toolchain or QEMU fail instead of skipping.
test: bootstrap
	$(VENV)/bin/python -m pytest -n 2 --junitxml=out/junit-tests.xml $(PYTEST_ARGS)

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy tintin reference proofs golden_vectors c_kernels
