#!/usr/bin/env bash
# Quick start, part one: set up (if needed) and start the assistant. Extra arguments go to `voiceguide`,
# for example `scripts/run.sh chat` for text mode or `scripts/run.sh doctor` to check the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/voiceguide "$@"
