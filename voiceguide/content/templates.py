"""Compact phrase templates for the lexicon, expanded when the content is compiled.

People ask one thing in many near wordings ("should i go to the doctor", "do i need to see a gp"). A flat list
misses the ones nobody wrote down; a template says the shape once, in the style of hassil's sentence
templates, and stays readable:

    (should i|do i need to) (go to|see) [a|the|my] (doctor|gp)

`(a|b)` is one of the alternatives, `[a|b]` is one of them or nothing; groups may nest. Plain phrases are
templates with no groups and come back as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from voiceguide.answer.phrases import MAX_PHRASE_WORDS

# A template that would expand past this is a mistake in the lexicon, not a wording people use.
MAX_EXPANSIONS = 2000


# The lists of a kind or an intent that may hold templates.
_TEMPLATE_KEYS = frozenset(
    {"words", "phrases", "meaning", "advice_phrases", "focus", "not_after", "occurs_in", "lowers_risk",
     "anchored_by", "not_with"}
)
# Per triage level: signs and phrases ("(think|worried) (the|my) clot is back"), the frames of a suspicion
# ("(my|his) calf has"), words making it the person's own case ("(clot|dvt) what (do|now)"), what was just
# heard said to be the person's own or happening now, whether what was described is one, clots told of in
# the family, and what is not happening now ("since i lost my sight").
_TRIAGE_LEVEL_TEMPLATES = (
    "signs", "has_them", "lasting", "happening", "suspect", "is_it_one", "family_history", "personal",
    "phrases", "not_now",
)


class TemplateError(ValueError):
    """A template that does not parse, or expands too far."""


def expand(template: str) -> list[str]:
    """Every phrase `template` stands for, white space folded, in order, without repeats."""
    alternatives, end = _sequence(template, 0, closer=None)
    if end != len(template):
        raise TemplateError(f"unbalanced {template[end]!r} in {template!r}")
    return list(dict.fromkeys(" ".join(a.split()) for a in alternatives if a.strip()))


def expand_all(templates: Iterable[Any]) -> list[str]:
    """A list of templates as one flat list of phrases, in order, without repeats. A list inside it is
    written out in place: that is how YAML gives a list named once (`&raises_risk [...]`) and shared by
    another (`[*raises_risk, smoke]`), so two intents' phrases cannot drift apart."""
    out: dict[str, None] = {}
    for template in templates:
        phrases = expand_all(template) if isinstance(template, list) else expand(str(template))
        out.update(dict.fromkeys(phrases))
    return list(out)


def rewrite_forms(key: str, meant: str) -> dict[str, str]:
    """Every wording of a rewrite's key, each with what it means. `{said}` in the meaning stands for the
    alternative of the key's leading group that was said, so one template keeps the noun each way:
    "(milk|cream) has (clots|clotted)": "{said} gone off" rewrites "cream has clots" to "cream gone off"."""
    if "{said}" not in meant:
        return {said: meant for said in expand(key)}
    if not key.startswith("("):
        raise TemplateError(f"{meant!r} says {{said}} but {key!r} does not begin with a group")
    heads, end = _sequence(key, 1, closer=")")
    if end >= len(key):
        raise TemplateError(f"unbalanced '(' in {key!r}")
    return {
        said: meant.replace("{said}", " ".join(head.split()))
        for head in heads
        for said in expand(head + key[end + 1:])
    }


def _sequence(text: str, pos: int, closer: str | None) -> tuple[list[str], int]:
    """Alternatives ("a|b") of concatenated parts, up to `closer` (not consumed) or the end."""
    options: list[str] = []
    current = [""]
    while pos < len(text):
        char = text[pos]
        if char == closer:
            break
        if char in ")]":
            raise TemplateError(f"unbalanced {char!r} in {text!r}")
        if char == "|":
            options += current
            current = [""]
            pos += 1
            continue
        if char in "([":
            close = ")" if char == "(" else "]"
            inner, pos = _sequence(text, pos + 1, close)
            if pos >= len(text):
                raise TemplateError(f"missing {close!r} in {text!r}")
            pos += 1
            if char == "[":
                inner = [*inner, ""]
            current = [f"{head} {alt} " for head in current for alt in inner]
        else:
            current = [head + char for head in current]
            pos += 1
        if len(current) + len(options) > MAX_EXPANSIONS:
            raise TemplateError(f"{text!r} expands to more than {MAX_EXPANSIONS} phrases")
    return options + current, pos


def expand_lexicon(lexicon: dict[str, Any]) -> dict[str, Any]:
    """The lexicon with its kinds' and intents' phrase lists written out: everything after compiling reads
    plain phrases. A phrase longer than the runs of words a look-up sees (voiceguide/answer/phrases.py) could
    never be found, so it is an error."""
    expanded = _expanded(lexicon)
    for part in ("kinds", "intents"):
        for spec in (expanded.get(part) or {}).values():
            for value in spec.values():
                for phrase in value if isinstance(value, list) else ():
                    if isinstance(phrase, str) and len(phrase.split()) > MAX_PHRASE_WORDS:
                        raise TemplateError(
                            f"{phrase!r} has more than {MAX_PHRASE_WORDS} words, too many to be recognized"
                        )
    return expanded


def _expanded(lexicon: dict[str, Any]) -> dict[str, Any]:
    expanded = {
        **lexicon,
        **{
            part: {
                name: {key: expand_all(v) if key in _TEMPLATE_KEYS else v for key, v in spec.items()}
                for name, spec in (lexicon.get(part) or {}).items()
            }
            for part in ("kinds", "intents")
        },
    }
    # A lay phrase said many ways ("surgery on (my|his|her) stomach") reads as the documents' words each way.
    for part in ("synonyms", "misheard"):
        if isinstance(lexicon.get(part), dict):
            expanded[part] = {
                said: meant
                for key, value in lexicon[part].items()
                for said, meant in rewrite_forms(str(key), str(value)).items()
            }
    # "(treat|sort out) (the|my) bruise": another subject said many ways; "(forget|never mind) [the] clots":
    # this one left.
    for part in ("visits", "foreign", "new_subject", "said_before"):
        if isinstance(lexicon.get(part), list):
            expanded[part] = expand_all(lexicon[part])
    # A warning sign said many ways ("bigger than (the|my) (other|right|left) [one]") is one template too.
    triage = lexicon.get("triage")
    if triage:
        expanded["triage"] = {
            level: {**spec, **{
                key: expand_all(spec[key])
                for key in _TRIAGE_LEVEL_TEMPLATES if isinstance(spec.get(key), list)
            }}
            if isinstance(spec, dict) else spec
            for level, spec in triage.items()
        }
        # Its word lists too ("explained_by", "still_concerning"): a plain phrase is its own only wording.
        for key, value in triage.items():
            if isinstance(value, list):
                expanded["triage"][key] = expand_all(value)
    return expanded
