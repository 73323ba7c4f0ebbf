#!/usr/bin/env bash
# Quick start, part two: set up (with the test extras) and run the whole check: lint, then the tests.
# Extra arguments go to pytest, for example `scripts/test.sh -k router`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check voiceguide scripts tests
.venv/bin/python -m pytest -q "$@"
