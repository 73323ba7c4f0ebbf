"""What one turn of a conversation produces, as the loop, the command line, batch runs and the Wyoming
service receive it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from voiceguide.answer.commands import Command
from voiceguide.answer.triage import Urgency


class ReplyStatus(enum.StrEnum):
    """What kind of reply a turn produced: the router's statuses, a command, or urgent advice alone. A string,
    so JSON and comparisons with text keep working."""

    ANSWER = "answer"
    COMBINED = "combined"
    ADVICE = "advice"
    NOT_COVERED = "not-covered"
    OUT_OF_SCOPE = "out-of-scope"
    NOT_UNDERSTOOD = "not-understood"
    COMMAND = "command"
    URGENT = "urgent"


@dataclass(frozen=True)
class Reply:
    """What one turn produces; `answer` is the exact text to speak, urgent advice first."""

    input: str
    heard: str
    topic: str | None
    urgency: Urgency
    answer: str
    sources: tuple[str, ...] = ()
    score: float = 0.0
    status: ReplyStatus = ReplyStatus.ANSWER
    command: Command | None = None

    def to_json(self) -> dict:
        """The documented JSON contract (README): these six keys always, in this order."""
        return {
            "input": self.input,
            "heard": self.heard,
            "topic": self.topic,
            "urgency": self.urgency.value,
            "answer": self.answer,
            "sources": list(self.sources),
        }
