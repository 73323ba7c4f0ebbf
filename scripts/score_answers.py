"""Prints how well first answers answer: `python scripts/score_answers.py [SET.yaml ...]`.

With no argument it scores tests/questions_blind_answers.yaml. A listener's judgement
(tests/answer_scoring.py): does the first answer, before "more", carry a sentence that answers; urgent advice,
out of scope and not covered are judged as the README says. `--failures` lists what missed: use it on
scripts/tuning_answers*.yaml, never on the held-out sets (tests/questions_blind*_answers.yaml), which only
measure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.answer_scoring import score  # noqa: E402
from voiceguide.content.content_model import load_content  # noqa: E402


def main(argv: list[str]) -> int:
    show = "--failures" in argv
    paths = ([a for a in argv if not a.startswith("--")]
             or [str(REPO / "tests" / "questions_blind_answers.yaml")])
    content = load_content()
    for path in paths:
        result = score(content, yaml.safe_load(Path(path).read_text(encoding="utf-8")))
        print(f"{path}\n{result.summary()}")
        if show:
            for q, expect, answer in result.failures:
                print(f"  MISS [{expect}] {q}\n      -> {answer}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
