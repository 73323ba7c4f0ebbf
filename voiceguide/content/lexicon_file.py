"""Reading lexicon.yaml: the words people use, checked before the compiler trusts them.

A bad lexicon is a one-line error naming the file and the problem, never a crash later when a question is
asked: YAML's bare yes, no, true or 999 in a word list, a missing part, a template too large to write out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from voiceguide.content.templates import TemplateError, expand_lexicon

# Lists of words the lexicon may have beside its required parts; the compiler copies them as they are.
OPTIONAL_WORD_LISTS = (
    "vague_phrases", "other_words", "reason_markers", "stand_ins", "weak_stand_ins", "fillers",
    "not_after_fillers", "corrections", "restarts", "subject_names", "visits", "unconfirmed", "new_subject",
    "said_before",
)
_REQUIRED_WORD_LISTS = ("anchors", "subjects", "uncovered", "neutral", "foreign")


class LexiconError(ValueError):
    """The lexicon cannot be used; the message names the file and what is wrong."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML keeps the last of two equal keys and drops the first without a word: a synonym written twice
    would be dead, so a key said twice is an error."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ValueError(f"{key!r} is given twice (line {key_node.start_mark.line + 1})")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_lexicon(path: Path) -> dict[str, Any]:
    from voiceguide.input_limits import MAX_LEXICON_BYTES
    from voiceguide.safe_files import InputFileError, read_bytes

    try:
        text = read_bytes(path, "lexicon", MAX_LEXICON_BYTES).decode("utf-8")
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: builds plain data only
    except InputFileError as exc:
        raise LexiconError(str(exc)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError, ValueError) as exc:
        raise LexiconError(f"{path}: cannot read the lexicon ({exc})") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: the lexicon is not a YAML mapping")
    required = (
        "kinds", "locations", "synonyms", "anchors", "subjects", "uncovered", "neutral", "foreign", "triage",
        "question_frames",
    )
    missing = [key for key in required if key not in (data or {})]
    if missing:
        raise LexiconError(f"{path}: the lexicon lacks {', '.join(missing)}")
    # YAML reads a bare yes, no, true or off as a boolean: a word list must say them in quotes.
    for key in (*_REQUIRED_WORD_LISTS, *OPTIONAL_WORD_LISTS, "triage", "misheard"):
        odd = [w for w in _leaves(data.get(key)) if not isinstance(w, str)]
        if odd:
            raise LexiconError(f"{path}: {key} has {odd[0]!r}, not a word; put it in quotes: '{odd[0]}'")
    # An empty `misheard:` is YAML's None: no slips.
    data["misheard"] = data.get("misheard") or {}
    # Spellings are respelt word by word, before the synonyms: a key of two words would never be found.
    data["spellings"] = data.get("spellings") or {}
    if not isinstance(data["spellings"], dict):
        raise LexiconError(f"{path}: spellings is not a mapping of a word to how it is spelt in full")
    for said, meant in data["spellings"].items():
        if not isinstance(said, str) or not isinstance(meant, str) or len(said.split()) != 1:
            raise LexiconError(f"{path}: the spelling {said!r} is not one word mapped to words; put a phrase "
                               "in synonyms")
    try:
        expanded = expand_lexicon(data)
    except (TemplateError, TypeError, AttributeError) as exc:
        raise LexiconError(f"{path}: {exc}") from None
    # Compared written out: a synonym's and a slip's templates may share a wording that neither key shows.
    twice = sorted(set(expanded["synonyms"]) & set(expanded["misheard"]))
    if twice:
        raise LexiconError(f"{path}: {twice[0]!r} is both a synonym and a slip (misheard); keep one")
    return expanded


def _leaves(value: Any) -> list[Any]:
    """The words of a word list, a list of lists (triage's `near` pairs) or a mapping of them."""
    if isinstance(value, dict):
        return [w for v in value.values() for w in _leaves(v)]
    if isinstance(value, list):
        return [w for v in value for w in _leaves(v)]
    return [] if value is None else [value]
