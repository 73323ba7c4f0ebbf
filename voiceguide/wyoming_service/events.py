"""Reading Wyoming events with limits.

The library's reader trusts the sizes a client declares: a header announcing a 10 GB payload is read until
10 GB have arrived. A server open to every satellite in a house must not grow to whatever a client claims, so
the header line, the data block and the payload are checked against limits before anything is read; the
event itself is the library's `Event`, and writing uses the library unchanged.
"""

from __future__ import annotations

import asyncio
import json

from wyoming.event import Event

MAX_HEADER_BYTES = 64 * 1024  # the asyncio reader's own line limit, which start_server sets
MAX_DATA_BYTES = 256 * 1024  # a question is at most 2,000 characters, a text to speak at most 20,000
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024  # one audio chunk: 10 s of 192 kHz stereo 16-bit; clients send ~2 KB


class EventError(ValueError):
    """An event that cannot be read; after it the stream cannot be trusted, so the connection ends."""


async def read_event(reader: asyncio.StreamReader) -> Event | None:
    """The next event, or None when the client has gone. Raises EventError for an event that breaks a limit
    or is not a Wyoming event at all."""
    try:
        line = await reader.readline()
    except ValueError:  # asyncio's LimitOverrunError is raised as ValueError by readline
        raise EventError(f"event header too large (at most {MAX_HEADER_BYTES:,} bytes)") from None
    except (ConnectionError, asyncio.IncompleteReadError):
        return None
    if not line:
        return None
    try:
        header = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EventError("the event header is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("type"), str):
        raise EventError("the event header has no type")
    data = header.get("data") or {}
    data_length = _length(header, "data_length", MAX_DATA_BYTES, "event data")
    payload_length = _length(header, "payload_length", MAX_PAYLOAD_BYTES, "audio chunk")
    if not isinstance(data, dict):
        raise EventError("the event data is not a JSON object")
    try:
        if data_length:
            extra = json.loads(await reader.readexactly(data_length))
            if not isinstance(extra, dict):
                raise EventError("the event data is not a JSON object")
            data.update(extra)
        payload = await reader.readexactly(payload_length) if payload_length else None
    except (asyncio.IncompleteReadError, ConnectionError):
        return None  # the client went away in the middle of an event
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EventError("the event data is not JSON") from None
    return Event(type=header["type"], data=data, payload=payload)


def _length(header: dict, key: str, limit: int, what: str) -> int:
    value = header.get(key) or 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise EventError(f"{key} is not a size")
    if value > limit:
        raise EventError(f"{what} too large: {value:,} bytes (at most {limit:,})")
    return value
