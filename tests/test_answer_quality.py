"""A listener's judgement of first answers (tests/answer_scoring.py), on the blind set and the existing sets.

tests/questions_blind_answers.yaml was written by a helper who saw only the documents and issue 8's Why; it is
scored, never tuned on. Floors are the measured levels, so a regression fails; the issue's targets are printed
beside them (run with -s to see the figures).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.answer_scoring import median, percentile, score
from tests.conftest import topic_matches
from voiceguide.conversation import Conversation

HERE = Path(__file__).parent
BLIND_ANSWERS = yaml.safe_load((HERE / "questions_blind_answers.yaml").read_text(encoding="utf-8"))

# Measured on the blind set (129 questions) when these floors were set; targets from issue 8.
FLOOR_ANSWERING = 0.79  # target 0.95
MEDIAN_WORDS_MAX = 45  # first-answer content words; target <= 45
P90_WORDS_MAX = 70  # target <= 70
EMERGENCY_WORDS_MAX = 45


def test_blind_answers_first_answer_carries_the_answering_sentence(content):
    result = score(content, BLIND_ANSWERS)
    print(f"\nblind set (tests/questions_blind_answers.yaml)\n{result.summary()}")
    assert len(BLIND_ANSWERS) >= 110
    assert result.rate() >= FLOOR_ANSWERING, result.failures
    for expect in ("emergency", "see-doctor", "out-of-scope", "not-covered"):
        assert result.rate(expect) == 1.0, (expect, [f for f in result.failures if f[1] == expect])


def test_first_answers_are_short_enough_to_listen_to(content):
    result = score(content, BLIND_ANSWERS)
    assert median(result.content_words) <= MEDIAN_WORDS_MAX
    assert percentile(result.content_words, 90) <= P90_WORDS_MAX
    assert max(result.emergency_words) <= EMERGENCY_WORDS_MAX
    for number in ("", "112"):
        emergency = Conversation(content, emergency_number=number).handle("my calf is swollen and my chest hurts")
        assert len(emergency.answer.split()) <= EMERGENCY_WORDS_MAX


def test_existing_sets_topic_figures(content):
    """The older sets are labelled by topic, not sentence: their topic accuracy, as test_router_accuracy checks."""
    for name in ("questions.yaml", "questions_blind.yaml"):
        items = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
        right = sum(topic_matches(i["topic"], Conversation(content).handle(i["q"]).topic) for i in items)
        print(f"\n{name}: topic {right}/{len(items)} ({right / len(items):.1%})")
        assert right / len(items) >= 0.95
