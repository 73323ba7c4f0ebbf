"""Writes tests/audio/expect.jsonl, the recorded corpus's labels as `voiceguide batch --expect` lines.

Usage: .venv/bin/python scripts/make_expectations.py [--check]

labels.yaml stays the source (scripts/make_test_audio.py writes it); this file is made from it, so the two
never drift: tests/test_batch_expect.py fails when they disagree. --check only says whether the file is up to
date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import label_expectation  # noqa: E402
from voiceguide.safe_files import write_text  # noqa: E402

AUDIO = REPO / "tests" / "audio"
LABELS = AUDIO / "labels.yaml"
EXPECT = AUDIO / "expect.jsonl"


def expectations_text(labels_path: Path = LABELS) -> str:
    labels = yaml.safe_load(labels_path.read_text())
    return "".join(json.dumps(label_expectation(label), ensure_ascii=False) + "\n" for label in labels)


def main(argv: list[str]) -> int:
    text = expectations_text()
    if "--check" in argv:
        if EXPECT.exists() and EXPECT.read_text() == text:
            print(f"{EXPECT.relative_to(REPO)} is up to date.")
            return 0
        print(f"{EXPECT.relative_to(REPO)} differs from labels.yaml: run scripts/make_expectations.py.",
              file=sys.stderr)
        return 1
    write_text(EXPECT, text)
    print(f"wrote {EXPECT.relative_to(REPO)} ({text.count(chr(10))} expectations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
