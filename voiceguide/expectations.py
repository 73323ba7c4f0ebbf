"""What a batch run should answer, and whether it did: `voiceguide batch --expect FILE`.

FILE is JSON Lines, one expectation a line: `input` (a recording's path relative to FILE's folder, or a typed
question) and any of `topic`, `urgency`, `answer_contains` and `command`. The same check scores the recorded
corpus in the tests (tests/conftest.answered_as_labelled), so a tester's run and the test suite cannot
disagree about what "answered right" means.

A bad line is refused before any work starts, with its line number: a typo in a field name would otherwise
check nothing and pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from voiceguide.answer.commands import Command
from voiceguide.answer.triage import Urgency

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga")
MAX_EXPECT_FILE_BYTES = 10 * 2**20
_FIELDS = ("input", "topic", "urgency", "answer_contains", "command")
_URGENCIES = tuple(u.value for u in Urgency)
_COMMANDS = tuple(c.value for c in Command)


class ExpectationError(ValueError):
    """The expectations file cannot be used; str() is one plain sentence naming the file and line."""


class Check(str, Enum):
    """The parts of an answer an expectation can check, in the order the summary line names them."""

    TOPIC = "topic"
    URGENCY = "urgency"
    ANSWER = "answer"
    COMMAND = "command"


@dataclass(frozen=True)
class Expectation:
    """One line of the file. Only the parts in `checks` are checked. `topics` are the acceptable topics, where
    None stands for "no topic" (not understood or out of scope); `command` None means "not a command"."""

    input: str
    checks: tuple[Check, ...]
    line: int = 0
    topics: tuple[str | None, ...] = ()
    topic_list: bool = False  # written as a list in the file (shown back the same way)
    urgency: str | None = None
    answer_contains: tuple[str, ...] = ()
    command: str | None = None
    audio: Path | None = None  # where the recording is, for an input that is one

    def to_json(self) -> dict[str, Any]:
        """What was expected, as written in the file (without `input`): the `expected` of a result row."""
        out: dict[str, Any] = {}
        if Check.TOPIC in self.checks:
            out["topic"] = list(self.topics) if self.topic_list else self.topics[0]
        if Check.URGENCY in self.checks:
            out["urgency"] = self.urgency
        if Check.ANSWER in self.checks:
            out["answer_contains"] = list(self.answer_contains)
        if Check.COMMAND in self.checks:
            out["command"] = self.command
        return out

    def missed(self, topic: str | None, urgency: str | None, answer: str | None,
               command: str | None) -> tuple[Check, ...]:
        """The checks this answer fails; none means it passed."""
        said = _folded(answer or "")
        right = {
            Check.TOPIC: topic in self.topics,
            Check.URGENCY: urgency == self.urgency,
            Check.ANSWER: any(_folded(part) in said for part in self.answer_contains),
            Check.COMMAND: command == self.command,
        }
        return tuple(check for check in self.checks if not right[check])

    def missed_in_row(self, row: Mapping[str, Any]) -> tuple[Check, ...]:
        """The checks a batch result row fails. A row with an error was not answered: it fails every check,
        even "no topic" (an unreadable recording is not a correct "not understood")."""
        if row.get("error"):
            return self.checks
        return self.missed(row.get("topic"), row.get("urgency"), row.get("answer"), row.get("command"))


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def is_audio_input(text: str) -> bool:
    return text.lower().endswith(AUDIO_SUFFIXES)


def parse_expectation(obj: Any, line: int = 0, folder: Path | None = None) -> Expectation:
    """One decoded JSON line as an Expectation, or an ExpectationError saying what is wrong with it."""
    if not isinstance(obj, dict):
        raise ExpectationError(f"expected a JSON object like {{\"input\": ..., \"topic\": ...}}, got "
                               f"{type(obj).__name__ if obj is not None else 'null'}")
    unknown = [key for key in obj if key not in _FIELDS]
    if unknown:
        raise ExpectationError(f"unknown field {unknown[0]!r} (the fields are {', '.join(_FIELDS)})")
    text = obj.get("input")
    if not isinstance(text, str) or not text.strip():
        raise ExpectationError("`input` is missing or empty: give a recording's path or a question's text")
    text = text.strip()
    topic = obj.get("topic")
    if "topic" in obj:
        if isinstance(topic, list):
            if not topic or not all(isinstance(t, str) and t for t in topic):
                raise ExpectationError("`topic` as a list must hold one or more section ids")
        elif topic is not None and not (isinstance(topic, str) and topic):
            raise ExpectationError("`topic` must be a section id, a list of them, or null (not understood or "
                                   "out of scope)")
    urgency = obj.get("urgency")
    if "urgency" in obj and urgency not in _URGENCIES:
        raise ExpectationError(f"`urgency` must be one of {', '.join(_URGENCIES)}, not {json.dumps(urgency)}")
    contains = obj.get("answer_contains", [])
    if "answer_contains" in obj and (not isinstance(contains, list) or not contains
                                     or not all(isinstance(c, str) and c.strip() for c in contains)):
        raise ExpectationError("`answer_contains` must be a list of one or more words or phrases "
                               "(the answer must contain at least one of them)")
    command = obj.get("command")
    if "command" in obj and command is not None and command not in _COMMANDS:
        raise ExpectationError(f"`command` must be one of {', '.join(_COMMANDS)} or null, "
                               f"not {json.dumps(command)}")
    audio = None
    if is_audio_input(text):
        audio = Path(text) if folder is None else folder / text
    checks = tuple(c for c, key in ((Check.TOPIC, "topic"), (Check.URGENCY, "urgency"),
                                    (Check.ANSWER, "answer_contains"), (Check.COMMAND, "command"))
                   if key in obj)
    if not checks:
        raise ExpectationError("nothing to check: give `topic`, `urgency`, `answer_contains` or `command`")
    return Expectation(text, checks, line, tuple(topic) if isinstance(topic, list) else (topic,),
                       isinstance(topic, list), urgency, tuple(c.strip() for c in contains), command, audio)


@dataclass
class Expectations:
    """A loaded expectations file: each input's expectation, found by the recording's real path or by the
    question's words."""

    path: Path
    items: list[Expectation]
    _by_key: dict[tuple[str, str], Expectation] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for item in self.items:
            key = _key_of(item.audio, item.input)
            if key in self._by_key:
                raise ExpectationError(f"{self.path} line {item.line}: the input {item.input!r} is already "
                                       f"expected on line {self._by_key[key].line}")
            self._by_key[key] = item

    def find(self, audio: Path | None, text: str | None) -> Expectation | None:
        return self._by_key.get(_key_of(audio, text or ""))

    def unknown_topics(self, known: Iterable[str]) -> str | None:
        """The first topic no answer can have, as a plain sentence: a misspelt id would never match."""
        known = set(known)
        for item in self.items:
            for topic in item.topics:
                if topic is not None and topic not in known:
                    return (f"{self.path} line {item.line}: topic {topic!r} is not a topic of the content "
                            "(`voiceguide topics` lists the sections; general.ABOUT names a combined answer)")
        return None


def topic_ids(content) -> set[str]:
    """Every topic an answer can have: each section's id, and `general.ABOUT` for an answer combined from both
    documents (voiceguide/answer/router.py)."""
    return {s.id for s in content.sections} | {f"general.{s.about}" for s in content.sections}


def _key_of(audio: Path | None, text: str) -> tuple[str, str]:
    if audio is not None:
        return ("audio", str(Path(audio).resolve()))
    return ("text", _folded(text))


def load_expectations(path: str | Path) -> Expectations:
    """Reads and checks the whole file before any input is answered."""
    from voiceguide.safe_files import InputFileError, read_bytes

    path = Path(path)
    try:
        raw = read_bytes(path, "expectations file", MAX_EXPECT_FILE_BYTES)
    except InputFileError as exc:
        raise ExpectationError(str(exc)) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    folder = path.parent
    items = []
    for number, line_bytes in enumerate(raw.splitlines(), 1):
        try:
            line = line_bytes.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            raise ExpectationError(f"{path} line {number}: not UTF-8 text "
                                   f"(a bad byte at column {exc.start + 1})") from None
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExpectationError(f"{path} line {number}: not JSON ({exc.msg} at column {exc.colno})"
                                   ) from None
        try:
            items.append(parse_expectation(obj, number, folder))
        except ExpectationError as exc:
            raise ExpectationError(f"{path} line {number}: {exc}") from None
    if not items:
        raise ExpectationError(f"{path}: no expectations in it (one JSON object a line)")
    return Expectations(path, items)


@dataclass
class Tally:
    """The counts behind the summary line, kept as rows are checked."""

    checked: int = 0
    passed: int = 0
    unexpected: int = 0  # inputs the file says nothing about
    per_check: dict[Check, list[int]] = field(default_factory=lambda: {c: [0, 0] for c in Check})

    def add(self, expectation: Expectation, missed: tuple[Check, ...]) -> None:
        self.checked += 1
        self.passed += not missed
        for check in expectation.checks:
            self.per_check[check][1] += 1
            self.per_check[check][0] += check not in missed

    @property
    def share(self) -> float:
        return self.passed / self.checked if self.checked else 0.0

    def line(self) -> str:
        """`N of M as expected (topic a/b, urgency c/d, answer e/f)`; `command g/h` joins them only when the
        file checks commands."""
        parts = [f"{c.value} {self.per_check[c][0]}/{self.per_check[c][1]}" for c in Check
                 if c is not Check.COMMAND or self.per_check[c][1]]
        text = f"{self.passed} of {self.checked} as expected ({', '.join(parts)})"
        if self.unexpected:
            text += f"; {self.unexpected} input{'s' * (self.unexpected != 1)} not in the expectations"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"checked": self.checked, "passed": self.passed, "unexpected": self.unexpected,
                **{c.value: {"right": r, "checked": n} for c, (r, n) in self.per_check.items()},
                "line": self.line()}


class Scorer:
    """Adds `expected`, `pass` and `missed` to each batch result row and counts them."""

    def __init__(self, expectations: Expectations) -> None:
        self.expectations = expectations
        self.tally = Tally()
        self.seen: set[int] = set()

    def score(self, row: dict[str, Any], audio: Path | None, text: str | None) -> None:
        expectation = self.expectations.find(audio, text)
        if expectation is None:
            row.update(expected=None, **{"pass": None})
            self.tally.unexpected += 1
            return
        self.seen.add(id(expectation))
        missed = expectation.missed_in_row(row)
        row.update(expected=expectation.to_json(), missed=[c.value for c in missed], **{"pass": not missed})
        self.tally.add(expectation, missed)

    def not_run(self) -> list[Expectation]:
        return [item for item in self.expectations.items if id(item) not in self.seen]
