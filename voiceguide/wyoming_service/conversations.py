"""Whose conversation a transcript belongs to, so "more", "repeat" and follow-up questions work over Wyoming.

A client that keeps its connection open has one conversation for as long as it is connected. Home Assistant
opens a new connection for every sentence and names the conversation instead (context.conversation_id), so
those are kept by name: in memory only, forgotten after `idle_seconds` without a turn (as a kiosk forgets an
idle person) or when the person says goodbye, and never more than `max_kept` at once (the longest idle goes
first), so no client can make the server hold an unbounded number of them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from voiceguide.answer.conversation import Conversation

MAX_ID_CHARS = 200


class Conversations:
    def __init__(self, factory: Callable[[], Conversation], *, idle_seconds: float = 300.0,
                 max_kept: int = 64, clock: Callable[[], float] = time.monotonic) -> None:
        self._factory = factory
        self.idle_seconds = idle_seconds
        self.max_kept = max_kept
        self._clock = clock
        self._kept: OrderedDict[str, tuple[Conversation, float]] = OrderedDict()
        self._lock = threading.Lock()

    def named(self, conversation_id: str) -> Conversation:
        """The conversation with this id, a new one if it is unknown or was forgotten."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            conversation = self._kept.pop(conversation_id, (None, 0.0))[0] or self._factory()
            self._kept[conversation_id] = (conversation, now)
            while len(self._kept) > self.max_kept:
                self._kept.popitem(last=False)
            return conversation

    def forget(self, conversation_id: str) -> None:
        with self._lock:
            self._kept.pop(conversation_id, None)

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._kept)

    def _expire(self, now: float) -> None:
        while self._kept:
            oldest, (_, used) = next(iter(self._kept.items()))
            if now - used <= self.idle_seconds:
                return
            del self._kept[oldest]


def conversation_id(context: object) -> str | None:
    """The id a client gave in an event's context, if it is a usable one."""
    if not isinstance(context, dict):
        return None
    value = context.get("conversation_id")
    if isinstance(value, str) and 0 < len(value) <= MAX_ID_CHARS:
        return value
    return None
