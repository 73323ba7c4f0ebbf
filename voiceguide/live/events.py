"""What the live loop reports as it goes, as typed events, for anything that shows a session (the caption
screen) without reading the terminal's caption lines.

An event is made at the moment the loop knows the thing it reports, and carries that moment (`created`, wall
clock in milliseconds since the epoch), so a viewer on the same machine can tell how late it shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class EventKind(str, Enum):
    READY = "ready"  # the loop has started; `push_to_talk` and `wake_phrase` say how it listens
    LISTENING = "listening"  # it takes speech now (`wake_phrase`: only after that phrase)
    IDLE = "idle"  # push-to-talk: it waits for the key
    HEARD = "heard"  # `text`: what was heard
    NOT_CAUGHT = "not-caught"  # someone spoke, and nothing could be made out
    ANSWER = "answer"  # `text`, `sentences`, `urgency`, `status`: the answer about to be spoken, as `label`
    SPEAKING = "speaking"  # `text` is sentence `index` of `label`, starting to play now
    STOPPED = "stopped"  # speech was stopped (a key, "stop", or the person speaking over it)
    RESET = "reset"  # no one spoke for a while: the conversation was forgotten
    ERROR = "error"  # `text`: what went wrong, in plain words
    ENDED = "ended"  # the session is over


@dataclass(frozen=True)
class LoopEvent:
    kind: EventKind
    text: str = ""
    sentences: tuple[str, ...] = ()
    index: int = 0
    label: str = ""
    urgency: str = "none"  # voiceguide.answer.triage.Urgency's value
    status: str = ""  # the Reply's status (answer, urgent, command, not-understood, ...)
    push_to_talk: bool = False
    wake_phrase: str = ""
    created: float = field(default_factory=lambda: time.time() * 1000.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "sentences": list(self.sentences),
            "index": self.index,
            "label": self.label,
            "urgency": self.urgency,
            "status": self.status,
            "push_to_talk": self.push_to_talk,
            "wake_phrase": self.wake_phrase,
            "created": self.created,
        }


EventSink = Callable[[LoopEvent], None]


def no_events(_event: LoopEvent) -> None:
    """The sink when nothing shows the session."""
