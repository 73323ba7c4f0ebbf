"""A short word one letter off a word of the documents is read as that word, and only then; two words run
together are read as the two, when there is one way to cut them; a dropped g is put back where the -ing word
is far the commoner."""

from __future__ import annotations

import pytest

from voiceguide.answer.router import Router
from voiceguide.answer.slips import g_restored, one_slip_from, unglued

WORDS = ["blood", "bloat", "treat", "swollen", "docs", "dots"]


def test_one_letter_off_one_word_is_that_word():
    assert one_slip_from("treet", WORDS) == ("treat",)


def test_one_letter_off_two_words_is_a_guess_left_as_heard():
    assert one_slip_from("bloot", WORDS) is None


def test_another_first_letter_is_another_word():
    assert one_slip_from("greet", ["treat"]) is None


def test_four_letters_are_too_few_and_long_words_are_the_ratios():
    assert one_slip_from("doms", ["docs"]) is None
    assert one_slip_from("swolen", ["swollen"]) == ("swollen",)
    assert one_slip_from("swolllen", ["swollen"]) is None


KNOWN = {"clot", "blood", "causes", "what", "pain", "knee", "stockings"}.__contains__


@pytest.mark.parametrize(("glued", "words"), [
    ("whatcauses", ("what", "causes")),
    ("bloodclot", ("blood", "clot")),
    ("kneepain", ("knee", "pain")),
])
def test_two_words_run_together_are_the_two(glued, words):
    assert unglued(glued, KNOWN) == words


@pytest.mark.parametrize("word", [
    "calfs",  # too short: "cal fs" is no reading of it
    "clotty",  # "clot ty" neither
    "wellbeing",  # a word of its own
    "overdid",  # one too, if an uncommon one
    "howlong",  # "how long" or "howl ong": two ways, so a guess
    "sunhatbag",  # neither half is a word the documents know
])
def test_a_word_not_cut_into_two(word):
    assert unglued(word, KNOWN) is None


def test_a_question_run_together_is_answered(content):
    route = Router(content).route("painbehind my knee what are the signs")
    assert route.topic == "blood-clot-behind-knee.symptoms"


@pytest.mark.parametrize(
    ("heard", "meant"), [("walkin", "walking"), ("bleedin", "bleeding"), ("achin", "aching")]
)
def test_a_dropped_g_is_put_back(heard, meant):
    assert g_restored(heard) == meant


@pytest.mark.parametrize("word", ["thin", "spin", "begin", "skin", "within", "aspirin", "vein"])
def test_a_word_ending_in_in_is_left_as_heard(word):
    assert g_restored(word) is None
