""""Why is that" right after an answer gets the sentence giving the reason, not the same sentence again."""

from __future__ import annotations

import pytest

from tests.conftest import reply_after
from voiceguide.answer.reasons import asks_why_of_the_last
from voiceguide.content.content_model import load_content


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.mark.parametrize("said", [
    "why is that", "and why's that then", "how come", "so why does that happen", "how could that happen",
])
def test_a_bare_why_asks_the_reason_of_the_last_answer(said):
    assert asks_why_of_the_last(said)


@pytest.mark.parametrize("said", ["why do clots form", "why is it dangerous", "what causes that"])
def test_a_why_question_with_its_own_subject_is_a_question_of_its_own(said):
    assert not asks_why_of_the_last(said)


def test_why_after_sitting_as_a_cause_is_that_blood_flow_slows(content):
    reply = reply_after(content, "does sitting at a desk all day put me at risk of a clot", "how come")
    assert reply.answer.startswith("This lack of movement slows blood flow")


def test_why_after_a_deep_clot_is_serious_is_that_a_piece_can_reach_the_lungs(content):
    reply = reply_after(content, "are clots in the buttocks dangerous", "why is that")
    assert "break off and travel to the lungs" in reply.answer.split("From the article")[0]



def test_why_after_an_answer_from_both_places_looks_in_each_place_heard(content):
    reply = reply_after(content, "what causes blood clots", "why is that")
    assert reply.answer.startswith("This lack of movement slows blood flow")


def test_why_said_as_one_word_whys_is_a_bare_why():
    assert asks_why_of_the_last("whys that then")


def test_why_where_the_article_gives_no_reason_takes_the_other_articles_reason(content):
    """The knee article says a clot can follow a hip replacement and gives no reason; the buttocks article
    names the hip and says why."""
    reply = reply_after(content, "can you get a clot after a hip replacement", "how come")
    assert "due to tissue damage" in reply.answer.split("From the article")[0]


def test_why_where_no_article_gives_a_reason_does_not_borrow_one(content):
    reply = reply_after(content, "what is a blood clot behind the knee", "why is that")
    assert "due to" not in reply.answer and "because" not in reply.answer


@pytest.mark.parametrize("said", ["how", "and how so", "how exactly", "so how does that happen"])
def test_a_bare_how_after_a_yes_asks_how_it_comes_about(said):
    assert asks_why_of_the_last(said)


@pytest.mark.parametrize(("turns", "lead"), [
    (("are compression stockings any good", "how so"), "They work by applying pressure"),
    (("could a dvt be fatal", "how exactly"), "A blood clot can travel to the lungs"),
])
def test_how_after_a_yes_leads_with_how_it_comes_about(content, turns, lead):
    assert reply_after(content, *turns).answer.startswith(lead), turns


def test_how_with_nothing_before_it_is_not_understood(content):
    assert reply_after(content, "how").status.value == "not-understood"


def test_after_the_reason_a_follow_up_still_refers_to_the_answer_it_asked_about(content):
    reply = reply_after(content, "is being laid up in bed a risk for clots", "how come", "so what can i do")
    assert reply.topic is not None and reply.topic.endswith(".prevention"), reply.topic
