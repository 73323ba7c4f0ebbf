"""Fixtures shared by every test: the compiled content, a fresh conversation, and where ../shared lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceguide.content_model import Content, load_content
from voiceguide.conversation import Conversation

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


def topic_matches(expected, got) -> bool:
    """A label's topic: one id, a list of acceptable ids, "any", or None (out of scope)."""
    if expected == "any":
        return True
    return got in expected if isinstance(expected, list) else got == expected


def answered_as_labelled(label: dict, reply) -> bool:
    """A recorded or typed question's label (topic, urgency, command; tests/audio/README.md) against a
    Conversation reply: the one scoring used by the corpus tests and the tuning scripts."""
    command = reply.command.value if reply.command else None
    return (topic_matches(label["topic"], reply.topic) and reply.urgency.value == label["urgency"]
            and command == label.get("command"))


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def conversation(content: Content) -> Conversation:
    return Conversation(content)


@pytest.fixture
def corpora() -> Path:
    if not (CORPORA / "kitchen-noise-16k.wav").exists():
        pytest.skip(f"../shared/corpora is not beside this checkout ({CORPORA}); it holds the real recordings")
    return CORPORA
