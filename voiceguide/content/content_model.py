"""The compiled content as typed, read-only data: what the router and the answers are built from."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from voiceguide.content.vocabulary import Vocabulary

DEFAULT_COMPILED = Path(__file__).parent / "compiled.json"


_Built = TypeVar("_Built")


def built_once(cache: dict[int, tuple[Content, _Built]], content: Content,
               build: Callable[[Content], _Built]) -> _Built:
    """What `build` makes of `content`, made once per loaded content: a kiosk or a batch starts many
    conversations over the same content. Keyed by identity, since Content holds dicts and cannot be hashed;
    the content is kept beside what was built, so a new content at a reused id is never taken for it."""
    cached = cache.get(id(content))
    if cached is None or cached[0] is not content:
        cached = (content, build(content))
        cache[id(content)] = cached
    return cached[1]


class ContentError(RuntimeError):
    """The compiled content is missing or unreadable; the message says how to rebuild it."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    file: str
    location: str
    subject: str = ""  # what the document is about, plural ("blood clots"), from its title
    subject_one: str = ""  # the same, singular ("blood clot")


@dataclass(frozen=True)
class Section:
    id: str
    document: str
    heading: str
    about: str
    location: str
    questions: tuple[str, ...]
    sentences: tuple[str, ...]
    short: tuple[int, ...]
    key: int
    keywords: frozenset[str]

    @property
    def short_text(self) -> str:
        return " ".join(self.sentences[i] for i in self.short)

    @property
    def rest(self) -> tuple[str, ...]:
        """What "tell me more" adds: every sentence not already in the short answer, in document order."""
        return tuple(s for i, s in enumerate(self.sentences) if i not in self.short)


@dataclass(frozen=True)
class Advice:
    text: str
    document: str


@dataclass(frozen=True)
class Content:
    documents: dict[str, Document]
    sections: tuple[Section, ...]
    urgent: dict[str, tuple[Advice, ...]]
    lexicon: dict[str, Any]
    vocabulary: Vocabulary

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def location_of(self, section: Section) -> str:
        """Where a section applies; a section that names no place applies where its document does."""
        return (section.location if section.location != "general"
                else self.documents[section.document].location)

    def location_name(self, location: str) -> str:
        spec = self.lexicon["locations"].get(location)
        return spec["name"] if spec else "in general"

    def kind_label(self, kind: str) -> str:
        return self.lexicon["kinds"][kind]["label"]


def content_from_dict(data: dict[str, Any]) -> Content:
    return Content(
        documents={d["id"]: Document(**d) for d in data["documents"]},
        sections=tuple(
            Section(
                id=s["id"],
                document=s["document"],
                heading=s["heading"],
                about=s["about"],
                location=s["location"],
                questions=tuple(s["questions"]),
                sentences=tuple(s["sentences"]),
                short=tuple(s["short"]),
                key=s["key"],
                keywords=frozenset(s["keywords"]),
            )
            for s in data["sections"]
        ),
        urgent={
            level: tuple(Advice(**a) for a in spec["advice"]) for level, spec in data["urgent"].items()
        },
        lexicon=data["lexicon"],
        vocabulary=Vocabulary(
            words=tuple(data["vocabulary"]["words"]), phrases=tuple(data["vocabulary"]["phrases"])
        ),
    )


def load_content(path: Path | None = None) -> Content:
    path = Path(path) if path else DEFAULT_COMPILED
    from voiceguide.safe_files import read_bytes

    try:  # read_bytes: a named pipe or a device given as --content is refused, never waited on
        data = json.loads(read_bytes(path, "compiled content", 64 * 2**20).decode("utf-8"))
    except OSError as exc:
        if not path.exists() and not path.is_symlink():
            raise ContentError(f"No compiled content at {path}. "
                               "Run `voiceguide compile` to build it.") from None
        raise ContentError(f"Cannot read compiled content: {exc} Run `voiceguide compile`.") from None
    except (ValueError, RecursionError) as exc:
        raise ContentError(f"Cannot read compiled content {path} ({exc}). "
                           "Run `voiceguide compile`.") from None
    try:
        return content_from_dict(data)
    except (KeyError, TypeError) as exc:
        raise ContentError(f"{path} is not VoiceGuide content ({exc}). Run `voiceguide compile`.") from None
