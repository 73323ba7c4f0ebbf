"""Which document sentence says what to do: the documents' own "seek medical attention" sentences, chosen for
the place and words of a worried person's question ("what should I do", "should I go to the ER").

A mixin of the Conversation (voiceguide/answer/conversation.py), which decides when advice is due; this part
only picks the sentence, so what is said about health stays a document sentence.
"""

from __future__ import annotations

from dataclasses import replace

from voiceguide.answer.focus import Focuser, words_in
from voiceguide.answer.phrases import any_of, find_all
from voiceguide.answer.route_model import Route
from voiceguide.content.content_model import Content, Section


class AdviceChoice:
    content: Content
    focuser: Focuser

    def _place_advice(
        self, route: Route, said_sources: list[str], spoken: str | None
    ) -> tuple[str, str] | None:
        """"Should I see a doctor about a clot behind my knee": the general advice comes from one article;
        the article about the place asked about says it in its own words too, and that is what was asked."""
        if route.location is None or not route.query.intent:
            return None
        section, index = self._advice_sentence(route, spoken)
        title = self.content.documents[section.document].title
        if self.content.location_of(section) != route.location or title in said_sources:
            return None
        return section.sentences[index], title

    def _advice_sentence(self, route: Route, spoken_section: str | None) -> tuple[Section, int]:
        """`spoken_section`: the section the last answer came from."""
        spec = self.content.lexicon["intents"][route.query.intent]
        phrases = [messages_norm(p) for p in spec.get("advice_phrases", [])]
        # The words of "should i see a doctor" say what kind of question it is; the rest say what it is about
        # ("i'm on tablets that might cause clots": the medicines sentence).
        asked = _without(route.query.text, spec["phrases"])
        focus = self.focuser.focus(_without(route.query.heard, spec["phrases"]), asked, None,
                                   tuple(spec.get("focus", [])))
        places = self.content.lexicon["locations"]
        place_terms = places[route.location]["terms"] if route.location in places else []
        bare = replace(focus, intent=())
        candidates = []
        for order, section in enumerate(self.content.sections):
            for i, sentence in enumerate(section.sentences):
                if any(p in messages_norm(sentence) for p in phrases):
                    here = route.location is not None and self.content.location_of(section) == route.location
                    # Of the place's own sentences, the one that names the place says what was asked.
                    names = here and bool(any_of(messages_norm(sentence), place_terms))
                    own = self.focuser.term_score(sentence, bare)
                    # Or its section's: "these still require medical attention" follows the sentence that
                    # names superficial clots.
                    near = max(self.focuser.term_score(x, bare) for x in section.sentences)
                    usual = self.focuser.term_score(sentence, focus) - own
                    # The place asked about, then the question's own words, then the intent's usual words,
                    # then a sentence that stands alone.
                    # In a follow-up, the section just spoken of ("what should i do then" after the
                    # question about dying of a clot).
                    spoken = section.id == spoken_section
                    key = (
                        -here, -own, -near, -spoken, -names, -usual, _dangling(sentence), words_in(sentence),
                        order,
                    )
                    candidates.append((key, section, i))
        _key, section, index = min(candidates, key=lambda c: c[0])
        return section, index


def messages_norm(text: str) -> str:
    from voiceguide.answer.text import normalize

    return f" {normalize(text)} "


def _dangling(sentence: str) -> int:
    """How many words point back to something not said ("these symptoms"), for choosing a sentence to say
    on its own."""
    return sum(w in ("this", "these", "those", "they") for w in messages_norm(sentence).split())


def _without(text: str, phrases: list[str]) -> str:
    # Overlapping phrases ("need a doctor" in "still need a doctor") are one stretch, cut once.
    spans: list[tuple[int, int]] = []
    for start, end, _phrase in sorted(find_all(text, phrases), key=lambda hit: (hit[0], -hit[1])):
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return " ".join(text.split())
