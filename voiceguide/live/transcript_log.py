"""The transcript log, kept only with --log-transcripts (by `listen` and the Wyoming server)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from voiceguide.answer.conversation import Reply
from voiceguide.safe_files import append_line


class TranscriptLog:
    """Only with --log-transcripts: one JSON line per turn, appended (a person's words on disk by consent,
    readable by the owner only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, heard: str, reply: Reply | None) -> None:
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "heard": heard}
        if reply is not None:
            record.update(topic=reply.topic, urgency=reply.urgency.value, answer=reply.answer)
        append_line(self.path, json.dumps(record, ensure_ascii=False))
