"""A listener's judgement of first answers (tests/answer_scoring.py), on the blind sets and the existing sets.

tests/questions_blind*_answers.yaml were written by helpers who saw only the documents and issue 8's Why;
they are scored, never tuned on (scripts/tuning_answers*.yaml are the sets for tuning). Sets 5 and 6 served
as validation sets while tuning: only their totals were watched. Floors are the measured levels, so a
regression fails; the issue's targets are printed beside them (run with -s to see the figures).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.answer_scoring import Score, median, percentile, score, tuning_wordings, wording
from tests.conftest import topic_matches
from voiceguide.answer.conversation import Conversation

HERE = Path(__file__).parent


def _load(name: str) -> list[dict]:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


_SCORED: dict[str, Score] = {}


def _scored(content, name: str) -> Score:
    """Each held-out set is scored once per run; three tests judge the same answers."""
    if name not in _SCORED:
        _SCORED[name] = score(content, _load(name))
    return _SCORED[name]


# The held-out sets' floors and the kinds that must stay whole: data, in tests/held_out_floors.yaml.
SETS = yaml.safe_load((HERE / "held_out_floors.yaml").read_text(encoding="utf-8"))
MEDIAN_WORDS_MAX = 45  # first-answer content words; target <= 45
P90_WORDS_MAX = 70  # target <= 70
EMERGENCY_WORDS_MAX = 45
# Held-out questions worded as no tuning set words them: the share answering, measured over the held-out
# sets written by then (keyed by the last one's number). A floor is never lowered; sets written later are
# measured at their own level beside it. Through set 71: 4,867 of 5,073 (95.9%). Through set 73: 4,997 of
# 5,215 (95.8%), sets 72 and 73, read only for two safety misses, 130 of 142. Through set 75: 5,155 of 5,383
# (95.8%, 0.9576), sets 74 and 75, read only for one safety miss, 158 of 168. Through set 77: 5,290 of 5,522
# (95.8%, 0.9580), sets 76 and 77, read only for two safety misses, 135 of 139. Through set 79: 5,427 of 5,658
# (95.9%, 0.9592), sets 78 and 79, never read, 135 of 136. Through set 81: 5,559 of 5,791 (96.0%, 0.9599),
# sets 80 and 81, never read, 129 of 133. Through set 83: 5,683 of 5,920 (96.0%). Through set 85: 5,809 of
# 6,047 (96.06%), sets 84 and 85, never read, 124 of 127. Through set 87: 5,930 of 6,170 (96.11%), sets 86
# and 87, never read, 120 of 123. Through set 89: 6,061 of 6,313 (96.01%), sets 88 and 89, never read, 131 of
# 143. Through set 91: 6,203 of 6,461 (96.01%), sets 90 and 91, never read, 141 of 148. Through set 93: 6,334
# of 6,599 (95.98%), sets 92 and 93, never read, 131 of 138. Through set 95: 6,461 of 6,729 (96.02%), sets 94
# and 95, never read, 125 of 130. Through set 97: 6,597 of 6,864 (96.11%) at the last code of the session that
# wrote sets 96 and 97 (6,594 at its first), which, never read, scored 133 of 135. Through set 99: 6,729 of
# 6,999 (96.14%) at the first code of the session that wrote sets 98 and 99, which, never read, scored 132 of
# 135. Through set 101: 6,870 of 7,144 (96.16%) at the first code of the session that wrote sets 100 and 101,
# which, never read, scored 139 of 145. Through set 103: 6,989 of 7,262 (96.24%) at the first code of the
# session that wrote sets 102 and 103, which, never read, scored 118 of 118. Through set 105: 7,104 of 7,380
# (96.26%) at the first code of the session that wrote sets 104 and 105, which, never read, scored 115 of 118.
# Through set 107: 7,225 of 7,508 (96.23%) at the first code of the session that wrote sets 106 and 107,
# which, never read, scored 121 of 128.
UNSEEN_FLOORS = {
    71: 0.959, 73: 0.958, 75: 0.957, 77: 0.957, 79: 0.959, 81: 0.959, 83: 0.959, 85: 0.960, 87: 0.961,
    89: 0.960, 91: 0.960, 93: 0.959, 95: 0.960, 97: 0.961, 99: 0.961,
    101: 0.961, 103: 0.962, 105: 0.962, 107: 0.962,
}
# Topic accuracy of the older, topic-labelled sets, measured: 87/87 and 146/150.
TOPIC_FLOORS = {"questions.yaml": 87, "questions_blind.yaml": 146}


@pytest.mark.parametrize("name", sorted(SETS))
def test_first_answer_carries_the_answering_sentence(content, name):
    items, spec = _load(name), SETS[name]
    result = _scored(content, name)
    print(f"\n{name}\n{result.summary()}")
    assert len(items) == spec["size"]
    assert result.passed >= spec["floor"], f"{result.passed}/{result.total}, floor {spec['floor']}"
    for expect in spec["whole"]:
        assert result.rate(expect) == 1.0, expect


@pytest.mark.parametrize(("last", "floor"), UNSEEN_FLOORS.items())
def test_held_out_questions_no_tuning_set_words_alike(content, last, floor):
    """Many short questions ("is it dangerous") are written alike by different helpers, so a held-out
    question can sit, word for word, in a tuning set that was read: the figure on the others is the honest
    one."""
    read = tuning_wordings(sorted((HERE.parent / "scripts").glob("tuning_answers*.yaml")))
    result = Score()
    for name in sorted(name for name in SETS if _number(name) <= last):
        for item, (expect, ok) in zip(_load(name), _scored(content, name).verdicts, strict=True):
            if wording(item["q"]) not in read:
                result.add(expect, ok)
    print(f"\nheld-out questions no tuning set words alike, sets 1-{last}\n{result.summary()}")
    assert result.rate() >= floor, f"{result.passed}/{result.total}"


# From tuning set 139 on, a question worded as a held-out set then written words it was dropped before
# scoring (README). Each round: its first tuning set, and the last held-out set written by then. A held-out
# set written later may share a wording with a tuning set read before it existed; the figure on questions
# no tuning set words alike leaves those out.
ROUNDS = [
    (139, 37), (145, 39), (157, 41), (163, 43), (169, 45), (175, 47), (181, 49), (187, 51), (193, 53),
    (199, 55), (205, 57), (211, 59), (217, 61), (223, 63), (229, 65), (235, 67), (241, 69), (247, 71),
    (253, 73), (259, 75), (265, 77), (271, 79), (277, 81), (283, 83), (289, 85),
    (295, 87), (301, 89), (307, 91), (313, 93), (319, 95), (325, 97), (331, 99), (337, 101), (343, 103),
    (349, 105), (355, 107),
]


def _number(name: str) -> int:
    return int(name.removeprefix("questions_blind").removesuffix("_answers.yaml") or 1)


def test_tuning_sets_from_139_on_hold_no_held_out_wording():
    tuning = sorted((HERE.parent / "scripts").glob("tuning_answers*.yaml"))
    for first_tuning, last_held_out in ROUNDS:
        written = [name for name in SETS if _number(name) <= last_held_out]
        held_out = {wording(item["q"]) for name in written for item in _load(name)}
        newer = [p for p in tuning if int(p.stem.removeprefix("tuning_answers") or 0) >= first_tuning]
        assert len(newer) >= 6
        assert not held_out & tuning_wordings(newer), first_tuning


@pytest.mark.parametrize("name", sorted(SETS))
def test_first_answers_are_short_enough_to_listen_to(content, name):
    result = _scored(content, name)
    assert median(result.content_words) <= MEDIAN_WORDS_MAX
    assert percentile(result.content_words, 90) <= SETS[name].get("p90", P90_WORDS_MAX)
    assert max(result.emergency_words) <= EMERGENCY_WORDS_MAX


def test_emergency_answers_are_short_with_any_number(content):
    for number in ("", "112"):
        emergency = Conversation(content, emergency_number=number).handle(
            "my calf is swollen and my chest hurts"
        )
        assert len(emergency.answer.split()) <= EMERGENCY_WORDS_MAX


def test_a_follow_up_is_scored_after_the_question_before_it(content):
    """`after` is the question asked just before (or a list of them): the follow-up is judged in that
    conversation, not alone."""
    wanted = (
        "They work by applying pressure to the leg, which helps to promote circulation "
        "and reduce the risk of clots."
    )
    item = {"q": "how do they work", "expect": "answer", "sentences": [wanted]}
    before = "can compression stockings help with a clot behind the knee"
    assert score(content, [{**item, "after": before}]).passed == 1
    assert score(content, [{**item, "after": [before]}]).passed == 1
    assert score(content, [item]).passed == 0


def test_existing_sets_topic_figures(content):
    """The older sets are labelled by topic, not sentence: their topic accuracy, as test_router_accuracy
    checks."""
    for name, floor in TOPIC_FLOORS.items():
        items = _load(name)
        right = sum(topic_matches(i["topic"], Conversation(content).handle(i["q"]).topic) for i in items)
        print(f"\n{name}: topic {right}/{len(items)} ({right / len(items):.1%})")
        assert right >= floor
