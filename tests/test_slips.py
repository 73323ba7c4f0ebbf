"""A short word one letter off a word of the documents is read as that word, and only then."""

from __future__ import annotations

from voiceguide.answer.slips import one_slip_from

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
