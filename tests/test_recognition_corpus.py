"""Recorded questions in, answers out: the embedded recognizer feeding the router, scored like typed questions.

This is issue 3's yardstick. Each recording in tests/audio goes through the same path as `voiceguide batch`
(load_audio -> recognizer.transcribe -> Conversation.handle) and is scored against its label. The floors below
are what the embedded recognizer reaches today on espeak-ng voices; they fail the build if it gets worse. The
issue's targets (clean 90%, noisy 80%, every emergency) are printed next to them and reported in the notes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import topic_matches
from voiceguide.asr.select import choose_recognizer
from voiceguide.audio_file import load_audio
from voiceguide.content_model import load_content
from voiceguide.conversation import Conversation

AUDIO = Path(__file__).parent / "audio"
LABELS = yaml.safe_load((AUDIO / "labels.yaml").read_text())

# Floors (measured, then rounded down); the targets are 0.90, 0.80, 1.0 and 3.
CLEAN_FLOOR = 0.76  # measured 32/42, with no sentence of this corpus in the recognizer's language model
NOISY_FLOOR = 0.59  # measured 13/22
EMERGENCY_FLOOR = 0.86  # measured 13/15
OOD_CEILING = 3  # measured 1/60



@pytest.fixture(scope="module")
def heard():
    content = load_content()
    recognizer, _reason = choose_recognizer(content.vocabulary, models_dir=Path("/nonexistent-models-dir"))
    assert recognizer.name == "pocketsphinx"
    results = {}
    for item in LABELS:
        transcript = recognizer.transcribe(load_audio(AUDIO / item["file"]))
        results[item["file"]] = (transcript.text, Conversation(content).handle(transcript.text))
    return results


def _correct(item, reply) -> bool:
    command_ok = item.get("command") is None or (reply.command is not None and reply.command.value == item["command"])
    return topic_matches(item["topic"], reply.topic) and reply.urgency.value == item["urgency"] and command_ok


def _rate(heard, items) -> tuple[float, list]:
    misses = [(i["text"], heard[i["file"]][0]) for i in items if not _correct(i, heard[i["file"]][1])]
    return 1 - len(misses) / len(items), misses


def test_clean_recordings(heard):
    rate, misses = _rate(heard, [i for i in LABELS if i["noise"] is None])
    print(f"clean: {rate:.0%} correct (target 90%); misses: {misses}")
    assert rate >= CLEAN_FLOOR, misses


def test_noisy_recordings(heard):
    rate, misses = _rate(heard, [i for i in LABELS if i["noise"] is not None])
    print(f"noisy (10 dB kitchen): {rate:.0%} correct (target 80%); misses: {misses}")
    assert rate >= NOISY_FLOOR, misses


def test_emergencies(heard):
    emergencies = [i for i in LABELS if i["urgency"] == "emergency"]
    caught = [i for i in emergencies if heard[i["file"]][1].urgency.value == "emergency"]
    missed = [(i["text"], heard[i["file"]][0]) for i in emergencies if i not in caught]
    print(f"emergencies: {len(caught)}/{len(emergencies)} caught (target all); missed: {missed}")
    assert len(caught) / len(emergencies) >= EMERGENCY_FLOOR, missed


def test_no_false_emergency_or_clot_answer_out_of_scope(heard):
    """A question, a command or a request elsewhere never raises an emergency. (A negated sign misheard as
    a plain one, "i do looked have chest pain", may: erring toward safety is the documented policy.)"""
    for item in LABELS:
        reply = heard[item["file"]][1]
        if item["kind"] in ("domain", "command", "out-of-scope"):
            assert reply.urgency.value != "emergency", (item["text"], heard[item["file"]][0])
        if item["topic"] is None and item["kind"] == "out-of-scope":
            assert reply.topic is None, (item["text"], heard[item["file"]][0])


def test_real_coffee_orders_get_no_topic_and_no_urgency(corpora):
    content = load_content()
    recognizer, _reason = choose_recognizer(content.vocabulary, models_dir=Path("/nonexistent-models-dir"))
    files = sorted((corpora / "ood-speech").glob("*.wav"))
    assert len(files) == 60
    accepted = []
    for path in files:
        text = recognizer.transcribe(load_audio(path)).text
        reply = Conversation(content).handle(text)
        if reply.topic is not None or reply.urgency.value != "none":
            accepted.append((path.name, text, reply.topic, reply.urgency.value))
    print(f"coffee orders given a topic or urgency: {len(accepted)}/60 (target at most 3): {accepted}")
    assert len(accepted) <= OOD_CEILING, accepted
