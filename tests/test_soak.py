"""The short soak (the 1,000-turn figure is `scripts/bench.py soak`): 20 turns of questions, commands, silence
and noise through the real live loop with file-backed devices; every spoken turn is heard and answered, and
no thread or open file is left behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The soak runs in a process of its own, as `listen` does: a test worker that has already loaded every other
# test's models and caches (gigabytes) is not what a kiosk holds, and its heap makes the growth figure noise.
_SOAK = """
import dataclasses, json, sys
from pathlib import Path
from tests.soak import run_soak
figures = run_soak(40, Path(sys.argv[1]))  # two blocks: the second is measured against the first
print(json.dumps({**dataclasses.asdict(figures), "growth_mb": figures.growth_mb}))
"""


def test_short_soak_answers_every_turn_and_leaks_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SOAK, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["utterances"] == 20 and figures["heard"] >= figures["utterances"], figures
    assert figures["answered"] == figures["heard"] and not figures["unanswered"], figures
    assert figures["threads_end"] == figures["threads_start"], figures
    assert figures["fds_end"] == figures["fds_start"], figures
    assert figures["growth_mb"] <= 10, figures
