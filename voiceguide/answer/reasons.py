""""Why is that?" right after an answer: the reason for what was just said, from the same article.

A bare "why" follow-up names nothing of its own, so the router can only hand back the section just heard, and
the person hears the same sentence again. What they asked for is the sentence that explains it: the one that
says "due to", "because" or "allowing", next to what was said, not yet heard.
"""

from __future__ import annotations

import re

from voiceguide.answer.phrases import any_of
from voiceguide.answer.reference import opens_with_reference
from voiceguide.answer.text import STOPWORDS, normalize
from voiceguide.content.content_model import Content, Section

_BARE_WHY = re.compile(
    r"^(?:and |so |but |ok |okay |right )?(?:(?:can you |could you |please )?explain (?:to me )?)?"
    r"(?:why|how come)s?"
    r"(?: is| was| does| would| do)?(?: that| it| this| they)?(?: so| then| happen)?(?: then| though)?$"
    # "How", "how so", "how exactly", "how though" after a yes: how it comes about, which is its reason.
    r"|^(?:and |so |but |ok |okay |right )?how"
    r"(?: so| exactly| then| though| (?:does|would|could|can) (?:that|it) happen)?$"
)


def asks_why_of_the_last(heard: str) -> bool:
    """"Why is that", "and why's that then", "how come", "explain why": the question is only the asking of a
    reason."""
    return bool(_BARE_WHY.match(normalize(heard).replace("'s", " is")))


def reason_for(
    content: Content, section_id: str | None, said: str, markers: list[str]
) -> tuple[Section, list[str]] | None:
    """The sentences, in the section just heard, that give the reason for what was said: the next one if it
    has a reason word, else a reason already said; with the sentence it refers back to when it opens with
    "This" or "These" and that one was not just heard. After an answer from both places ("general.causes"),
    each section whose sentences were heard is looked in, in the documents' order. None if none gives one."""
    if section_id and not section_id.startswith("general."):
        sections = [content.section(section_id)]
    else:
        sections = [s for s in content.sections if any(x in said for x in s.sentences)]
    for section in sections:
        found = _reason_in(section, said, markers)
        if found:
            return section, found
    # "Why is that" after "a clot can form after a surgical procedure, such as a hip replacement": that
    # article gives no reason; the other names the hip and says "due to tissue damage".
    for section in sections:
        found = _reason_elsewhere(content, section, said, markers)
        if found:
            return found
    return None


def _reason_elsewhere(
    content: Content, section: Section, said: str, markers: list[str]
) -> tuple[Section, list[str]] | None:
    # What was said beyond the subject itself: "clot" and "blood" are in every sentence.
    subject = set(content.lexicon.get("subjects", []))
    heard = [s for s in section.sentences if s in said]
    ignored = STOPWORDS | subject
    words = {w for s in heard for w in normalize(s).split() if w not in ignored and len(w) > 2}
    best: tuple[int, Section, str] | None = None
    for other in content.sections:
        if other.about != section.about or other.id == section.id:
            continue
        for sentence in other.sentences:
            shared = len(words & set(normalize(sentence).split()))
            if shared and _gives_reason(sentence, markers) and not opens_with_reference(sentence) and (
                best is None or shared > best[0]
            ):
                best = (shared, other, sentence)
    return (best[1], [best[2]]) if best else None


def _reason_in(section: Section, said: str, markers: list[str]) -> list[str]:
    sentences = section.sentences
    heard = [i for i, s in enumerate(sentences) if s in said]
    if not heard:
        return []
    last = max(heard)
    reasons = [i for i, s in enumerate(sentences) if _gives_reason(s, markers)]
    # The sentence right after what was said, if it gives a reason; else a reason already said, said again
    # alone. A reason further on is about something else ("surgery", after "sitting").
    near = [i for i in reasons if i == last + 1 or i in heard]
    if not near:
        return []
    best = last + 1 if last + 1 in near else min(near, key=lambda i: abs(i - min(heard)))
    chosen = [best]
    if opens_with_reference(sentences[best]) and best - 1 not in heard and best > 0:
        chosen.insert(0, best - 1)
    return [sentences[i] for i in chosen]


def _gives_reason(sentence: str, markers: list[str]) -> bool:
    """It says "due to", "because", "allowing": it explains something."""
    return bool(any_of(normalize(sentence), markers))
