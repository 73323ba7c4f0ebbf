"""The assistant's own spoken copy (content/messages.yaml), with its subject taken from the compiled content.

Nothing here names blood clots: the scope reply, help and welcome say what the documents are about, as the
compiler read it from their titles, so a document on another subject changes what is said with no code change.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from voiceguide.content.content_model import Content

MESSAGES_FILE = Path(__file__).parents[1] / "content" / "messages.yaml"


@lru_cache(maxsize=1)
def _copy() -> dict[str, Any]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def text(key: str, **fields: str) -> str:
    """One message, its fields filled."""
    return _copy()[key].format(**fields)


def join_words(items: list[str], conjunction: str = "and") -> str:
    """"a", "a and b", "a, b and c": lists as a person says them."""
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _places_by_subject(content: Content) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for doc in content.documents.values():
        places = out.setdefault(doc.subject or "this subject", [])
        if doc.location != "general":
            places.append(content.location_name(doc.location))
    return out


def subjects(content: Content, conjunction: str = "and") -> str:
    """"blood clots behind the knee and in the buttocks" (and ", and leg cramps" with such a document)."""
    parts, placed = [], False
    for subject, places in _places_by_subject(content).items():
        where = join_words(places, conjunction)
        placed = placed or bool(where)
        parts.append(f"{subject} {where}" if where else subject)
    if len(parts) > 1 and (placed or len(parts) > 2):
        # "blood clots behind the knee and in the buttocks, and leg cramps":
        # the comma keeps places with theirs.
        return ", ".join(parts[:-1]) + f", and {parts[-1]}"
    return join_words(parts)


def subject_names(content: Content) -> str:
    return join_words(list(_places_by_subject(content)))


def _fields(content: Content) -> dict[str, str]:
    kinds = list(content.lexicon["kinds"])
    present = sorted({s.about for s in content.sections}, key=kinds.index)
    topics = [k for k in _copy()["scope_topics"] if k in present]
    labels = [content.kind_label(k) for k in present]
    return {
        "subjects": subjects(content),
        "subjects_or": subjects(content, "or"),
        "subject_names": subject_names(content),
        "topics": join_words(topics),
        "topic_labels": (", ".join(labels[:-1]) + f", and {labels[-1]}" if len(labels) > 1
                         else "".join(labels)),
    }


def about(content: Content, key: str, **extra: str) -> str:
    """A message that speaks of the content's subject ("out_of_scope", "help", "welcome", ...)."""
    fields = _fields(content)
    fields.setdefault("commands", _copy()["commands"])
    return text(key, **fields, **extra)


def help_text(content: Content) -> str:
    return about(content, "help")


def welcome(content: Content, push_to_talk: bool = False, wake_phrase: str | None = None) -> str:
    if push_to_talk:
        return about(content, "welcome_push_to_talk")
    if wake_phrase:
        return about(content, "welcome_wake_phrase", wake_phrase=wake_phrase)
    return about(content, "welcome")


def source_line(titles: list[str]) -> str:
    if not titles:
        return ""
    quoted = " and ".join(f"'{t.rstrip('?.!')}'" for t in titles)
    return text("source_one" if len(titles) == 1 else "source_many", titles=quoted)


def emergency_instruction(number: str = "") -> str:
    return text("emergency", number=number) if number else text("emergency_no_number")


def next_after_see_doctor(number: str = "") -> str:
    return text("next_after_see_doctor_number", number=number) if number else text("next_after_see_doctor")


def fixed_phrases() -> set[str]:
    """Every message that needs no field: what a test may allow besides the document's own sentences."""
    return {v for v in _copy().values() if isinstance(v, str) and "{" not in v}


def caption_screen() -> dict[str, str]:
    """The words the caption screen shows of its own (its states and labels)."""
    return {key: str(value) for key, value in _copy()["caption_screen"].items()}
