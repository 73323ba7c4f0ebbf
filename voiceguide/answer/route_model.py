"""Plain data passed between the router and the conversation: what was asked, where it led, and what a
follow-up may refer back to."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from voiceguide.content.content_model import Section


@dataclass(frozen=True)
class Context:
    """What the last answer was about, so "how is it treated" can follow a knee question, "and behind the
    knee?" can ask the last question again about another place, and "how do they work" knows what "they" are.
    Kept in memory for the conversation only."""

    location: str | None = None
    kind: str | None = None
    section: str | None = None
    question: str = ""  # the last question answered, as understood (a follow-up already resolved)
    terms: tuple[str, ...] = ()  # what it was about beyond its kind and place ("compression stockings")
    urgent: bool = False  # it led with urgent advice, which "what should i do" is then about

    @property
    def active(self) -> bool:
        return self.section is not None or bool(self.question)


@dataclass(frozen=True)
class Query:
    heard: str
    text: str
    location: str | None
    kind: str | None
    anchored: bool
    foreign: tuple[str, ...]
    content_words: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # words neither in the content's vocabulary nor everyday talk
    uncovered: tuple[str, ...] = ()  # places or subjects the documents do not cover ("brain", "period")
    intent: str | None = None  # a worried person's question ("what should i do", "will it go away")
    # the kind was named outright ("symptoms", "treated"), not guessed from a word
    explicit_kind: bool = False
    lay_kind: bool = False  # the kind was found only through the documents' words for a lay word ("drive")
    continued: bool = False  # goes on from the last question, whose kind it keeps ("and the deep ones")
    # the story told before a closing question ("i sit at a desk all day and i'm on the pill" before "does
    # the pill raise my risk"): its words say the person's situation, not what is asked
    story: str = ""
    # a subject left behind ("enough about clots, what's good for a cold"), cut from what was heard
    new_subject: bool = False
    # the question as heard when it was begun again after other words ("..., and now i want to know, is it
    # dangerous"): what the answer's sentences are chosen for; empty when it is all of `heard`
    asked: str = ""


class RouteStatus(enum.StrEnum):
    """What the router made of a question; a string, so JSON and comparisons with text keep working."""

    ANSWER = "answer"  # one section
    COMBINED = "combined"  # several places
    ADVICE = "advice"  # what to do, from the documents' advice sentences
    NOT_COVERED = "not-covered"  # in the domain, but the documents do not say
    OUT_OF_SCOPE = "out-of-scope"
    NOT_UNDERSTOOD = "not-understood"


@dataclass(frozen=True)
class Route:
    status: RouteStatus
    query: Query
    sections: tuple[Section, ...] = ()
    score: float = 0.0
    location: str | None = None
    kind: str | None = None
    topic: str | None = None
    ranking: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    carried: tuple[str, ...] = ()  # words of the last question that this one refers to ("they" = stockings)


def top_ids(ranking: list[tuple[float, Section]]) -> tuple[tuple[str, float], ...]:
    """The best five sections and their scores, kept on a route to show why it went where it did."""
    return tuple((s.id, round(score, 2)) for score, s in ranking[:5])
