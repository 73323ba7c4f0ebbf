"""Which document sentences answer a routed question: the sections that say what was asked, the sentences
said first within the word budget, and the rest kept for "more".

A mixin of the Conversation (voiceguide/answer/conversation.py), which decides what kind of reply is due
(urgent advice, an answer, a command) and calls on this part for the document's sentences. What it says about
health is only document sentences; its few words of its own (naming each place of a combined answer, and how
to narrow it) come from content/messages.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from voiceguide.answer import messages
from voiceguide.answer.focus import FIRST_ANSWER_WORDS, Focus, Focuser, words_in
from voiceguide.answer.phrases import any_of
from voiceguide.answer.route_model import Context, Route
from voiceguide.answer.scope import everyday as common_word
from voiceguide.content.content_model import Content, Section

COMBINED_MAX_WORDS = 53  # two places' leads: with their intros and the hint to narrow, about 70 words
COMBINED_CEILING = 75  # even a question naming only its kind: past this, one place, which may be narrowed
_COMBINED_MARGIN = 1.0  # how much less of what was asked one place's article may say and still be heard too


@dataclass(frozen=True)
class _Answer:
    """Document sentences to say first, the rest for "more", and the articles they came from."""

    first: list[str]
    more: list[str]
    titles: list[str]
    topic: str | None


class AnswerAssembly:
    """Route -> the sentences of the answer, from the content and focuser the Conversation holds."""

    content: Content
    focuser: Focuser

    def _answer(
        self, route: Route, budget: int = FIRST_ANSWER_WORDS, said: frozenset[str] = frozenset(),
        last: Context | None = None,
    ) -> _Answer:
        """`said`: document sentences this reply has already spoken (the urgent advice), not to be led
        with; `last`: what the answer before was about."""
        q = route.query
        intent = self.content.lexicon.get("intents", {}).get(q.intent or "", {})
        intent_focus = tuple(intent.get("focus", []))
        focus = self.focuser.focus(
            q.asked or q.heard, q.text, route.kind, intent_focus, route.carried, route.location, q.story
        )
        focus = replace(focus, said=said)
        sections = self._sections_for(route, intent_focus, focus)
        carried_place = last is not None and last.active and q.location is None and last.location is not None
        if len(sections) == 1 and carried_place and route.location == last.location:
            sections = [self._said_better_elsewhere(sections[0], focus)]
        # Chosen for what a worried question asks ("are clots only in your legs"): not moved back to a place
        # only a wide word named ("legs").
        moved = sections != list(route.sections) and not self._place_said_outright(route)
        if len(sections) > 1:
            # Asked with no place, and one place's article says what was asked where the other's does not
            # ("can hrt cause clots": hormone replacement therapy is named among the buttocks' causes only):
            # that article answers, and the listener is not made to hear both.
            # In each place, the section of the kind asked that says most of it ("how do compression socks
            # work": the knee's compression stockings section rather than its general treatment).
            sections = [self._best_of_kind_here(s, focus) for s in sections]
            fits = [self.focuser.asked_fit(s, focus) for s in sections]
            # "What signs show a clot has reached the lungs": the words chose sections about the lungs, but
            # the kind named outright (signs) is what must be answered.
            other_kind = q.explicit_kind and q.kind is not None and q.kind != route.kind
            elsewhere = self._said_elsewhere(replace(focus, kind=q.kind)) if other_kind else []
            if elsewhere:
                sections, focus = elsewhere, replace(focus, kind=q.kind)
            elif max(fits) > 0:
                sections = [
                    s for s, fit in zip(sections, fits, strict=True) if fit >= max(fits) - _COMBINED_MARGIN
                ]
            else:
                # With the kind named outright or by a worried question ("how do i stop getting another"),
                # its own sections answer unless another says what was asked in the question's own words
                # ("the lungs"), not only in the documents' words for them ("further clots" for "another").
                own_words = replace(focus, terms=tuple(t[:1] for t in focus.terms))
                named = (q.explicit_kind and q.kind == route.kind) or intent.get("kind") == route.kind
                if not named or self._said_elsewhere(own_words):
                    sections = self._said_elsewhere(focus) or sections
        if len(sections) > 1:
            sections = self._short_enough(sections, focus)
        if len(sections) == 1:
            section = sections[0] if moved else self._at_place_asked(sections[0], q.location, focus)
            # A kind that answers the worried question asked of it ("is it serious" after the types) is kept
            # as if named.
            kept = q.explicit_kind or route.kind in intent.get("answered_in", ())
            return self._answer_from(section, focus, budget, keep_kind=kept)
        first, more = [], []
        budget = budget // len(sections) + 10
        for section in sections:
            choice = self.focuser.choose(section, focus, budget=budget)
            said = [section.sentences[i] for i in choice.first]
            intro = messages.text("place_intro", **self._place_words(self.content.location_of(section)))
            first.append(f"{intro} {' '.join(said)}")
            more.extend(section.sentences[i] for i in choice.rest)
        names = [self.content.location_name(self.content.location_of(s)).split()[-1] for s in sections]
        first.append(messages.text("narrow", names=" or ".join(names)))
        return _Answer(first, more, self._titles(tuple(sections)), route.topic)

    def _place_words(self, location: str) -> dict[str, str]:
        """"a clot" "in the buttocks": the subject's noun and the place, for the few words said of a place."""
        document = next(s.document for s in self.content.sections if self.content.location_of(s) == location)
        noun = (self.content.documents[document].subject_one or "it").split()[-1]
        return {"noun": noun, "place": self.content.location_name(location)}

    def _not_said_there(self, route: Route, last: Context, last_answer: str) -> bool:
        """"Does the buttock one do that too", just after the knee article's fever: a follow-up that moves
        to the other place and asks nothing of its own is about what was just asked and answered, so the
        sections of its kind there answer only if one of their sentences says it too."""
        q = route.query
        if not last.terms or route.location is None or last.location in (None, route.location):
            return False
        own = self.focuser.focus(q.heard, q.heard, route.kind, location=route.location)
        if self.focuser.specific(own).terms:
            return False
        terms = " ".join(last.terms)
        asked = self.focuser.specific(self.focuser.focus(terms, terms, route.kind, location=route.location))
        # A word the lexicon gives document words for ("feverish"), or one rarer than everyday English: not
        # "left" of "if it's left", which asks what happens untreated.
        answered = tuple(
            t for t in asked.terms
            if (len(t) > 1 or not common_word(" ".join(t[0])))
            and self.focuser.term_score(last_answer, Focus(terms=(t,))) > 0
        )
        asked = Focus(terms=answered, kind=route.kind)
        here = [
            s for s in self.content.sections
            if self.content.location_of(s) == route.location and route.kind in (None, s.about)
        ]
        return bool(asked.terms) and not any(
            self.focuser.term_score(sentence, asked) > 0 for s in here for sentence in s.sentences
        )

    def _place_said_outright(self, route: Route) -> bool:
        spec = self.content.lexicon["locations"].get(route.query.location or "", {})
        weak = set(spec.get("weak", ()))
        return bool(any_of(route.query.text, [t for t in spec.get("terms", ()) if t not in weak]))

    def _short_enough(self, sections: list[Section], focus: Focus) -> list[Section]:
        """Both places' leading sentences, when together they are short enough to listen to, or when the
        question names nothing but its kind ("what causes them": the person may then name a place); else the
        place whose sentence says most of what was asked, the better ranked on a tie: "does smoking matter"
        is answered by one sentence that names smoking, not by two places' 40 words each. Past
        COMBINED_CEILING words even the kind alone gets one place: "what happens if you leave it" is not 100
        words long."""
        leads = [sum(words_in(s.sentences[i]) for i in self.focuser.lead(s, focus)) for s in sections]
        fits = [self.focuser.asked_fit(s, focus) for s in sections]
        if sum(leads) <= COMBINED_MAX_WORDS or (max(fits) == 0 and sum(leads) <= COMBINED_CEILING):
            return sections
        return [sections[max(range(len(sections)), key=lambda i: (fits[i], -i))]]

    def _at_place_asked(self, section: Section, place: str | None, focus: Focus) -> Section:
        """"Can you die from a clot in your buttocks": the knee article says "fatal", but the buttocks article
        says "life-threatening", and the place asked about is the buttocks. A section of the place asked about
        that says what was asked answers, before another place's."""
        if place is None or self.content.location_of(section) == place:
            return section
        here = [s for s in self.content.sections if self.content.location_of(s) == place]
        asked = self.focuser.specific(focus)
        fits = [
            (self.focuser.asked_fit(s, asked) + (1.0 if s.about == section.about else 0.0), s) for s in here
        ]
        _fit, best = max(fits, key=lambda pair: pair[0], default=(0.0, section))
        return best if self.focuser.asked_fit(best, asked) > 0 else section

    def _said_elsewhere(self, focus: Focus) -> list[Section]:
        """"What are the warning signs that a clot has reached the lungs": none of the places' symptoms
        sections says it, but a sentence elsewhere names what was asked and facts of the kind asked (the signs
        of a pulmonary embolism). That sentence's section answers, alone."""
        asked = self.focuser.specific(focus)
        best: tuple[tuple[float, float], Section] | None = None
        for section in self.content.sections:
            for i, sentence in enumerate(section.sentences):
                if (
                    self.focuser.term_score(sentence, asked) > 0
                    and self.focuser.kind_hits(sentence, focus.kind) > 0
                ):
                    # Facts of the kind asked first: these are what the routed sections lacked.
                    score = (
                        self.focuser.kind_score(sentence, focus.kind), self.focuser.score(section, i, focus)
                    )
                    if best is None or score > best[0]:
                        best = (score, section)
        return [best[1]] if best else []

    def _best_of_kind_here(self, section: Section, focus: Focus) -> Section:
        place = self.content.location_of(section)
        same = [
            s for s in self.content.sections
            if s.about == section.about and self.content.location_of(s) == place
        ]
        best = max(same, key=lambda s: self.focuser.asked_fit(s, focus))
        return (
            best if self.focuser.asked_fit(best, focus) > self.focuser.asked_fit(section, focus) else section
        )

    def _said_better_elsewhere(self, section: Section, focus: Focus) -> Section:
        """A follow-up whose place was only carried from the question before ("what if they've got dark skin",
        after the colour of the skin behind the knee) is answered by the other article's section of the same
        kind when that one says clearly more of what was asked (the buttocks article names darker skin)."""
        place = self.content.location_of(section)
        # Only a lay phrase or an uncommon word ("dark skin", "tummy"), not an everyday one ("get").
        unsaid = tuple(
            t for t in focus.terms
            if (len(t[0]) > 1 or not common_word(" ".join(t[0])))
            and not self._says(section, replace(focus, terms=(t,)))
        )
        others = [
            s for s in self.content.sections
            if s.about == section.about and self.content.location_of(s) != place
            and self._says(s, replace(focus, terms=unsaid))
        ]
        fits = ((self.focuser.asked_fit(s, focus), s) for s in others)
        best_fit, best = max(fits, key=lambda scored: scored[0], default=(0.0, None))
        here = self.focuser.asked_fit(section, focus)
        return best if best is not None and best_fit > here + _COMBINED_MARGIN else section

    def _says(self, section: Section, focus: Focus) -> bool:
        """Whether a sentence of the section says one of the asked terms, the place and the question before
        set aside: a knee sentence does not say "dissolve" for naming the knee."""
        return bool(focus.terms) and self.focuser.asked_fit(section, Focus(focus.terms)) > 0

    def _answer_from(self, section: Section, focus: Focus, budget: int, keep_kind: bool) -> _Answer:
        """The chosen section's answering sentences, unless another section about the same place has a
        sentence that answers clearly better: then that one leads, and the chosen section's lead follows if
        there is room."""
        place = self.content.location_of(section)
        others = [s for s in self.content.sections if self.content.location_of(s) == place]
        elsewhere = self.focuser.lead_elsewhere(section, others, focus, keep_kind)
        if elsewhere is None:
            choice = self.focuser.choose(section, focus, budget)
            first = [section.sentences[i] for i in choice.first]
            more = [section.sentences[i] for i in choice.rest]
            return _Answer(first, more, self._titles((section,)), section.id)
        other, unit = elsewhere
        first = [other.sentences[i] for i in unit]
        room = budget - sum(words_in(s) for s in first)
        lead = [section.sentences[i] for i in self.focuser.lead(section, focus)]
        if sum(words_in(s) for s in lead) <= room:
            first += lead
        more = [s for s in (*section.sentences, *other.sentences) if s not in first]
        return _Answer(first, more, self._titles((other, section)), other.id)

    def _sections_for(self, route: Route, intent_focus: tuple[str, ...], focus: Focus) -> list[Section]:
        """The routed sections, unless a worried person's question ("will it go away") is answered by none of
        them and by another section of the same kind: then that one, whichever article it is in."""
        sections = list(route.sections)
        # A kind named outright ("what are the symptoms") is what is asked, whatever else was said.
        if not intent_focus or route.query.explicit_kind:
            return sections
        # The intent's own terms, as the question's words would be: those are what must be said.
        only = Focus(self.focuser.focus("", "", None, intent_focus).intent)

        def fit(section: Section) -> float:
            return max(self.focuser.term_score(s, only) for s in section.sentences)

        answering = [s for s in sections if fit(s) > 0]
        if answering:
            return answering
        others = [s for s in self.content.sections if s.about == route.kind and fit(s) > 0]
        # One that says what was asked ("my dad's on anticoagulants, what do they do": the blood thinners,
        # not the stockings), then the place asked about first: "is a clot behind the knee dangerous" is
        # answered by the knee article.
        said = [s for s in others if self.focuser.asked_fit(s, focus) > 0] or others
        here = [s for s in said if self.content.location_of(s) == route.location]
        return [max(here or said, key=fit)] if others else sections

    def _titles(self, sections: tuple[Section, ...]) -> list[str]:
        return list(dict.fromkeys(self.content.documents[s.document].title for s in sections))
