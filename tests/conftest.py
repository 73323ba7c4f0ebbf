"""Fixtures shared by every test: the compiled content, a fresh conversation, and where ../shared lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceguide.answer.conversation import Conversation
from voiceguide.content.content_model import Content, load_content
from voiceguide.expectations import parse_expectation

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


def topic_matches(expected, got) -> bool:
    """A label's topic: one id, a list of acceptable ids, "any", or None (out of scope)."""
    if expected == "any":
        return True
    return got in expected if isinstance(expected, list) else got == expected


def reply_after(content, *turns: str):
    """The reply to the last of `turns`, said in order in one conversation: the others come before it."""
    from voiceguide.answer.conversation import Conversation

    conversation = Conversation(content)
    for turn in turns[:-1]:
        conversation.handle(turn)
    return conversation.handle(turns[-1])


def first_answer(content, *turns: str) -> str:
    """What `reply_after` says before its source line: the first answer a listener judges."""
    return reply_after(content, *turns).answer.split("From the article")[0]


def label_expectation(label: dict) -> dict:
    """A recorded or typed question's label (tests/audio/README.md) as a line of `voiceguide batch --expect`:
    `any` topic becomes no topic check, and the command is always checked (null: not a command)."""
    line = {"input": label.get("file") or label["text"]}
    if label["topic"] != "any":
        line["topic"] = label["topic"]
    line["urgency"] = label["urgency"]
    line["command"] = label.get("command")
    return line


def answered_as_labelled(label: dict, reply) -> bool:
    """A label against a Conversation reply, scored by the batch command's own check
    (voiceguide/expectations.py): the one scoring used by `batch --expect`, the corpus tests and the tuning
    scripts."""
    expectation = parse_expectation(label_expectation(label))
    command = reply.command.value if reply.command else None
    return not expectation.missed(reply.topic, reply.urgency.value, reply.answer, command)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def conversation(content: Content) -> Conversation:
    return Conversation(content)


@pytest.fixture
def corpora() -> Path:
    if not (CORPORA / "kitchen-noise-16k.wav").exists():
        pytest.skip(f"../shared/corpora is not beside this checkout ({CORPORA}); "
                    "it holds the real recordings")
    return CORPORA
