"""A listener's judgement of answers, shared by the tests and scripts/score_answers.py.

The first answer is what is said before anyone says "more": it counts when it carries one of the document
sentences that answer the question. Urgent questions must start with the right advice; out-of-scope questions
must get no document content; questions the documents do not cover must be told so.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from voiceguide.answer import messages
from voiceguide.answer.conversation import Conversation, emergency_instruction
from voiceguide.content.content_model import Content

NOT_COVERED_MARK = "don't cover"


@dataclass
class Score:
    total: int = 0
    passed: int = 0
    by_expect: dict[str, list[int]] = field(default_factory=dict)  # expect -> [passed, total]
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    content_words: list[int] = field(default_factory=list)  # first answers that answer (expect: answer)
    emergency_words: list[int] = field(default_factory=list)
    verdicts: list[tuple[str, bool]] = field(default_factory=list)  # each question's expect and verdict

    def add(self, expect: str, ok: bool) -> None:
        self.verdicts.append((expect, ok))
        self.total += 1
        self.passed += ok
        tally = self.by_expect.setdefault(expect, [0, 0])
        tally[0] += ok
        tally[1] += 1

    def rate(self, expect: str | None = None) -> float:
        passed, total = (self.passed, self.total) if expect is None else self.by_expect.get(expect, [0, 0])
        return passed / total if total else 1.0

    def summary(self) -> str:
        parts = [f"first answers with an answering sentence: {self.passed}/{self.total} ({self.rate():.1%})"]
        for expect, (p, t) in sorted(self.by_expect.items()):
            parts.append(f"  {expect}: {p}/{t}")
        if self.content_words:
            parts.append(
                f"  first-answer content words: median {median(self.content_words)}, p90 "
                f"{percentile(self.content_words, 90)}, max {max(self.content_words)}"
            )
        if self.emergency_words:
            parts.append(f"  emergency answer words: max {max(self.emergency_words)}")
        return "\n".join(parts)


def median(values: list[int]) -> float:
    return statistics.median(values)


def percentile(values: list[int], p: int) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def content_words(answer: str, sources: tuple[str, ...]) -> int:
    """Words of content: the answer without its source line, the disclaimer and the hint to say more."""
    text = answer
    for fixed in (messages.source_line(list(sources)), *messages.fixed_phrases()):
        if fixed:
            text = text.replace(fixed, "")
    for title in sources:  # a source line naming only some of the sources
        text = text.replace(messages.source_line([title]), "")
    return len(text.split())


def score(content: Content, items: list[dict], emergency_number: str = "") -> Score:
    all_sentences = {s for sec in content.sections for s in sec.sentences}
    result = Score()
    for item in items:
        conversation = Conversation(content, emergency_number=emergency_number)
        before = item.get("after") or []
        # `after` is the question asked just before (a follow-up), or a list of them in order.
        for said in [before] if isinstance(before, str) else before:
            conversation.handle(said)
        reply = conversation.handle(item["q"])
        expect = item["expect"]
        ok = judge(content, item, reply, all_sentences)
        result.add(expect, ok)
        if not ok:
            result.failures.append((item["q"], expect, reply.answer))
        if expect == "answer":
            result.content_words.append(content_words(reply.answer, reply.sources))
        if expect == "emergency":
            result.emergency_words.append(len(reply.answer.split()))
    return result


def judge(content: Content, item: dict, reply, all_sentences: set[str]) -> bool:
    expect = item["expect"]
    answer = reply.answer
    wanted = item.get("sentences") or []
    has_wanted = not wanted or any(s in answer for s in wanted)
    if expect == "emergency":
        return reply.urgency.value == "emergency" and answer.startswith(emergency_instruction().split(".")[0])
    if expect == "see-doctor":
        return reply.urgency.value in ("see-doctor", "emergency") and all(
            a.text in answer for a in content.urgent[reply.urgency.value]
        )
    if expect == "out-of-scope":
        return reply.topic is None and not any(s in answer for s in all_sentences)
    if expect == "not-covered":
        return NOT_COVERED_MARK in answer and not any(s in answer for s in all_sentences)
    return has_wanted and bool(wanted)


def wording(question: str) -> str:
    """A question as a wording, so that case, punctuation and spacing do not make two the same differ."""
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", question.lower()).split())


def tuning_wordings(paths: list[Path]) -> set[str]:
    """Every wording the tuning sets hold: a held-out question worded the same way was, in effect, read."""
    return {wording(item["q"]) for path in paths for item in yaml.safe_load(path.read_text(encoding="utf-8"))}
