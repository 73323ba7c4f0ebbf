"""The short soak (the 1,000-turn figure is `scripts/bench.py soak`): 20 turns of questions, commands, silence
and noise through the real live loop with file-backed devices; every spoken turn is heard and answered, and
no thread or open file is left behind."""

from __future__ import annotations

from pathlib import Path

from tests.soak import run_soak


def test_short_soak_answers_every_turn_and_leaks_nothing(tmp_path: Path) -> None:
    figures = run_soak(40, tmp_path)  # two blocks: the second is measured against the first
    assert figures.utterances == 20 and figures.heard >= figures.utterances, figures
    assert figures.answered == figures.heard and not figures.unanswered, figures
    assert figures.threads_end == figures.threads_start, figures
    assert figures.fds_end == figures.fds_start, figures
    assert figures.growth_mb <= 10, figures
