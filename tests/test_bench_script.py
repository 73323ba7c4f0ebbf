"""scripts/bench.py as a person runs it: asking for help or naming a section that does not exist gets a clear
answer, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "scripts" / "bench.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=60)


def test_help_prints_the_usage():
    done = _run("--help")
    assert done.returncode == 0
    assert "Usage:" in done.stdout and "Traceback" not in done.stderr


def test_an_unknown_section_names_the_sections_there_are():
    done = _run("asrr")
    assert done.returncode == 2
    assert "no section asrr" in done.stderr and "router asr batch" in done.stderr
    assert "Traceback" not in done.stderr
