"""Reads source documents into headings and paragraphs, whatever their format.

Markdown is rendered to HTML by markdown-it (so inline HTML headings and Markdown headings look the same),
then HTML is walked with the standard library's parser, keeping only text a person would read aloud: front
matter, images, iframes, scripts and styles never reach a paragraph. Plain text uses the convention of the
documents we receive: a heading is a short line on its own without a final period.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
_MAX_HEADING_CHARS = 120
_MAX_HEADING_WORDS = 16


class DocumentError(ValueError):
    """A source document that cannot be compiled; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Block:
    """A heading (level 1-6) or a paragraph (level 0) of readable text."""

    text: str
    level: int = 0

    @property
    def is_heading(self) -> bool:
        return self.level > 0


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    title: str
    blocks: tuple[Block, ...]


def read_document(path: Path) -> SourceDocument:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(path, f"unsupported file type {suffix!r}; "
                                  f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
    from voiceguide.input_limits import MAX_DOCUMENT_BYTES
    from voiceguide.safe_files import InputFileError, read_bytes

    try:  # a named pipe, a folder called x.md, a dangling link or a loop is a plain error, never a hang
        raw = read_bytes(path, "document", MAX_DOCUMENT_BYTES)
    except InputFileError as exc:
        raise DocumentError(path, exc.problem) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"not UTF-8 text (undecodable byte at offset {exc.start})") from None
    if not text.strip():
        raise DocumentError(path, "the file is empty")
    if suffix in (".md", ".markdown"):
        meta, body = _split_front_matter(path, text)
        if not body.strip():
            raise DocumentError(path, "the file has only front matter and no text")
        blocks = _html_blocks(_markdown().render(body))
        title = str(meta.get("title") or "").strip()
    elif suffix in (".html", ".htm"):
        blocks = _html_blocks(text)
        title = ""
    else:
        blocks = _plain_text_blocks(text)
        title = ""
    blocks = [b for b in blocks if b.text]
    if not any(b.is_heading for b in blocks):
        raise DocumentError(path, "no headings found, so the text cannot be split into sections")
    if not any(not b.is_heading for b in blocks):
        raise DocumentError(path, "headings but no paragraphs of text")
    if not title:
        first = blocks[0]
        if not first.is_heading:
            raise DocumentError(path, "no title: start with a heading line or give a title in front matter")
        title = first.text
    if blocks and blocks[0].is_heading and _same_text(blocks[0].text, title):
        blocks = blocks[1:]
    return SourceDocument(path=path, title=title, blocks=tuple(blocks))


def _markdown() -> MarkdownIt:
    """CommonMark with tables recognised (so a table becomes a <table>, which is never read aloud instead of a
    paragraph of pipes) and every link accepted as a link: CommonMark leaves a `javascript:` link as literal
    text, which would then be spoken; as a link, only its words are kept."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda _url: True
    return md


def _same_text(a: str, b: str) -> bool:
    return re.sub(r"\W+", " ", a).strip().lower() == re.sub(r"\W+", " ", b).strip().lower()


def _split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    match = re.match(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", text, flags=re.DOTALL)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(path, f"front matter is not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(meta, dict):
        meta = {}
    return meta, text[match.end() :]


def _plain_text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(_TABLE_ROW.match(line) for line in lines):
            continue  # a table drawn with pipes: cells read in a row are not sentences
        joined = " ".join(lines)
        if len(lines) == 1 and _looks_like_heading(joined):
            blocks.append(Block(clean_text(joined), level=2))
        else:
            blocks.append(Block(clean_text(joined)))
    return blocks


def _looks_like_heading(line: str) -> bool:
    return (
        len(line) <= _MAX_HEADING_CHARS
        and len(line.split()) <= _MAX_HEADING_WORDS
        and not line.rstrip().endswith((".", ":", ";", ","))
    )


_TABLE_ROW = re.compile(r"^\|.*\|$|^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
# Markup that arrived as text (an entity-encoded "&lt;script&gt;", or tags inside a plain-text document): what
# a script or style element holds, then every tag. Never speakable, whatever decoded it.
_MARKUP_ELEMENT = re.compile(r"<(script|style|iframe|object|embed|template|table)\b[^>]*>.*?(</\1\s*>|$)",
                             re.IGNORECASE | re.DOTALL)
_MARKUP_TAG = re.compile(r"</?[a-zA-Z!?][^<>]*>")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)  # still encoded after decoding
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # never speakable
_STRAY_MARKUP = re.compile(r"<[a-zA-Z/!?]")  # an unclosed tag's start ("<?", "<div") is not speakable either
_LINK_SYNTAX = re.compile(r"\[([^\[\]]*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
_URI = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:\S*\s*$")


def clean_text(text: str, *, decode: bool = True) -> str:
    """Speakable text: entities decoded (once: the HTML parser has already done it for its text, and decoding
    twice would turn "&amp;lt;" into a tag), markup-looking text removed, typographic quotes made plain, white
    space folded."""
    if decode:
        text = html.unescape(text)
    text = _LINK_SYNTAX.sub(r"\1", text)  # [words](target) left as text (a plain-text document): the words
    text = _ENTITY.sub(" ", _MARKUP_TAG.sub(" ", _MARKUP_ELEMENT.sub(" ", text)))
    text = _CONTROL.sub(" ", _STRAY_MARKUP.sub(" ", text))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", " - ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


class _ReadableText(HTMLParser):
    """Collects headings and paragraphs; skips elements whose content is never read aloud."""

    _SKIP = frozenset({"script", "style", "iframe", "noscript", "svg", "object", "embed", "video", "audio",
                       "template", "table", "math", "head", "title", "button", "select", "textarea",
                       "form"})
    _BLOCK = frozenset({"p", "div", "center", "li", "blockquote", "section", "article", "td", "th", "dd",
                        "dt", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._heading_level = 0
        self._skip_depth = 0
        self._link_start: int | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "a":
            self._link_start = len(self._buffer)
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading_level = int(tag[1])
        elif tag in self._BLOCK or tag == "br":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "a" and self._link_start is not None:
            # A link's words are kept; a bare address ("javascript:...", "https://...") is not speakable.
            if _URI.match("".join(self._buffer[self._link_start :])):
                del self._buffer[self._link_start :]
            self._link_start = None
        elif re.fullmatch(r"h[1-6]", tag) or tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._buffer.append(data)

    def _flush(self) -> None:
        text = clean_text("".join(self._buffer), decode=False)
        self._buffer = []
        self._link_start = None
        if text:
            self.blocks.append(Block(text, self._heading_level))
        self._heading_level = 0

    def close(self) -> None:
        super().close()
        self._flush()


def _html_blocks(markup: str) -> list[Block]:
    parser = _ReadableText()
    parser.feed(markup)
    parser.close()
    return parser.blocks
