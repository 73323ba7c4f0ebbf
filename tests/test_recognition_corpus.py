"""Recorded questions in, answers out: the embedded recognizer feeding the router,
scored like typed questions.

This is the hearing yardstick (issue 13). The recordings in tests/audio go through
`voiceguide batch tests/audio --expect tests/audio/expect.jsonl` itself (the labels as expectations), and each
is scored by that command's `pass`: what a tester's run reports is what the build checks. The floors below are
what the embedded recognizer reaches today on the corpus's synthetic voices; they fail the build if it gets
worse. The targets (issue 13: clean 95%, 10 dB noise 85%, far field 85%, every emergency) are printed next to
them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, answered_as_labelled
from voiceguide.answer.conversation import Conversation
from voiceguide.content.content_model import load_content
from voiceguide.speech.asr.models import choose_recognizer
from voiceguide.speech.audio_file import load_audio

AUDIO = Path(__file__).parent / "audio"
LABELS = yaml.safe_load((AUDIO / "labels.yaml").read_text())

# Floors (measured, then rounded down) for the embedded recognizer (Whisper tiny.en) on the 125 recordings;
# the targets are printed beside them. Groups as in tests/audio/README.md: clean, kitchen noise at
# 10 dB and at 5 dB, far field (with or without a little noise). The same code and packages hear a few
# recordings differently on another machine (Whisper's int8 decoding most likely differs by CPU): each floor
# is the lower of the two machines measured, the earlier sessions' and an AVX2-only AMD EPYC (2026-12-03,
# "here").
CLEAN_FLOOR = 0.64  # measured 36/54, here 35/54 (pocketsphinx read 40/54)
NOISY_FLOOR = 0.63  # measured 20/30 at 10 dB, here 19/30 (pocketsphinx 17/30)
NOISY_5DB_FLOOR = 0.29  # measured 5/17, here the same (pocketsphinx 8/17)
FAR_FIELD_FLOOR = 0.50  # measured 12/24, here 13/24 (pocketsphinx 14/24)
EMERGENCY_FLOOR = 0.76  # measured 19/25, here the same (pocketsphinx 19/25)
SPOKEN_OVER_TYPED_FLOOR = 0.57  # measured 73/125 spoken against 125/125 typed, here 72/125
OOD_CEILING = 1  # measured 0/60 (pocketsphinx 1/60); the target is at most 1 of 60
# A question, command or request elsewhere given an emergency, or out of scope given clot content.
FALSE_EMERGENCY_CEILING = 1  # measured 1 ('do i need blood thinners...' heard with 'breath' in it)
# Measured 0; here 1: "how do i treat a sunburn" in kitchen noise heard as "high treat us on the bottom".
OUT_OF_SCOPE_ANSWERED_CEILING = 1


def _group(item) -> str:
    if item["far_field"]:
        return "far-field"
    return "clean" if item["noise"] is None else f"{item['noise']:g} dB"


@pytest.fixture(scope="module")
def heard() -> dict[str, dict]:
    """Each recording's result row from the batch command, by file name."""
    env = {k: v for k, v in os.environ.items() if k != "VOICEGUIDE_MODEL"} | {"PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "batch", str(AUDIO), "--expect", str(AUDIO / "expect.jsonl"),
         "--json", "--engine", "whisper", "--min-pass", "0"],
        capture_output=True, text=True, env=env, timeout=1800, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    rows = {Path(row["input"]).name: row for row in map(json.loads, done.stdout.splitlines())}
    assert sorted(rows) == sorted(i["file"] for i in LABELS)
    assert all(row["engine"] == "whisper" and row["expected"] for row in rows.values())
    print(done.stderr.splitlines()[-1])  # the command's own summary line
    return rows


def _rate(heard, items) -> tuple[float, list]:
    misses = [(i["text"], heard[i["file"]]["heard"]) for i in items if not heard[i["file"]]["pass"]]
    return 1 - len(misses) / len(items), misses


@pytest.mark.parametrize(("group", "floor", "target"), [
    ("clean", CLEAN_FLOOR, "95%"),
    ("10 dB", NOISY_FLOOR, "85%"),
    ("5 dB", NOISY_5DB_FLOOR, "none set"),
    ("far-field", FAR_FIELD_FLOOR, "85%"),
])
def test_each_group_of_recordings(heard, group: str, floor: float, target: str):
    rate, misses = _rate(heard, [i for i in LABELS if _group(i) == group])
    print(f"{group}: {rate:.0%} correct (target {target}); misses: {misses}")
    assert rate >= floor, misses


def test_emergencies(heard):
    emergencies = [i for i in LABELS if i["urgency"] == "emergency"]
    caught = [i for i in emergencies if heard[i["file"]]["urgency"] == "emergency"]
    missed = [(i["text"], heard[i["file"]]["heard"]) for i in emergencies if i not in caught]
    print(f"emergencies: {len(caught)}/{len(emergencies)} caught (target all); missed: {missed}")
    assert len(caught) / len(emergencies) >= EMERGENCY_FLOOR, missed


def test_no_false_emergency_or_clot_answer_out_of_scope(heard):
    """A question, a command or a request elsewhere should never raise an emergency, and a request elsewhere
    never get clot content. (A negated sign misheard as a plain one, "i do looked have chest pain", may raise
    one: erring toward safety is the documented policy.)"""
    false_emergencies, answered = [], []
    for item in LABELS:
        row = heard[item["file"]]
        if item["kind"] in ("domain", "command", "out-of-scope") and row["urgency"] == "emergency":
            false_emergencies.append((item["file"], row["heard"]))
        if item["topic"] is None and item["kind"] == "out-of-scope" and row["topic"] is not None:
            answered.append((item["file"], row["heard"], row["topic"]))
    print(f"false emergencies: {false_emergencies}; "
          f"out of scope given clot content: {answered} (target none)")
    assert len(false_emergencies) <= FALSE_EMERGENCY_CEILING, false_emergencies
    assert len(answered) <= OUT_OF_SCOPE_ANSWERED_CEILING, answered


def test_real_coffee_orders_get_no_topic_and_no_urgency(corpora):
    content = load_content()
    recognizer, _reason = choose_recognizer(content, models_dir=Path("/nonexistent-models-dir"))
    files = sorted((corpora / "ood-speech").glob("*.wav"))
    assert len(files) == 60
    accepted = []
    for path in files:
        text = recognizer.transcribe(load_audio(path)).text
        reply = Conversation(content).handle(text)
        if reply.topic is not None or reply.urgency.value != "none":
            accepted.append((path.name, text, reply.topic, reply.urgency.value))
    print(f"coffee orders given a topic or urgency: {len(accepted)}/60 (target at most 1): {accepted}")
    assert len(accepted) <= OOD_CEILING, accepted


def test_heard_nearly_as_well_as_typed(heard):
    """The same questions typed are the ceiling: what a perfect recognizer would get. Printed side by side."""
    content = load_content()
    typed = sum(answered_as_labelled(i, Conversation(content).handle(i["text"])) for i in LABELS)
    spoken = sum(heard[i["file"]]["pass"] for i in LABELS)
    print(f"answered right: spoken {spoken}/{len(LABELS)}, the same questions typed {typed}/{len(LABELS)}")
    assert typed == len(LABELS)  # every label was checked against the typed router (test_audio_corpus)
    assert spoken / typed >= SPOKEN_OVER_TYPED_FLOOR
