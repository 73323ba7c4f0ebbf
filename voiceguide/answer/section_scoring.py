"""How well each section answers a routed question: what kind it is, where, and which words it shares.

A mixin of the Router (voiceguide/answer/router.py), which builds the tables read here (each section's word
stems, their idf, the kinds' cue words). Kind and place dominate because people ask "what are the symptoms"
far more than they name rare terms; idf-weighted shared words then pick the specific section ("fatal",
"compression stockings").
"""

from __future__ import annotations

from voiceguide.answer.text import STOPWORDS
from voiceguide.content.content_model import Content, Section

KIND_WEIGHT = 3.0
LOCATION_PENALTY = 2.5
_WEAK_KIND_WEIGHT = 1.0
_LOCATION_WEIGHT = 2.0
_KEPT_PLACE_SHARE = 0.5  # a place kept from the last question, not said in this one
_QUESTION_BONUS = 3.5
_COMBINE_MARGIN = 1.5
_CARRIED_SHARE = 0.5  # a word of the last question counts half as much as one said now
_EVERYDAY_SHARE = 0.5
_LAY_SHARE = 0.7  # a document word for a lay word said ("thick" is "gel-like") counts a little less
_OTHER_KIND_SHARE = 0.7  # with the kind named outright, a word another kind's section shares
_INTENT_FOCUS_BONUS = 2.0  # a section of the worried question's kind that says the intent's focus
# "What can i do at my desk to stop clots": for a kind whose questions name the person's situation in another
# kind's words (`situation_kinds`: the risks), that kind's sections share them by coincidence.
_SITUATION_SHARE = 0.3


class SectionScoring:
    """Section + what was asked -> a score; the best sections of one kind, one per place."""

    content: Content
    _idf: dict[str, float]
    _section_stems: dict[str, frozenset[str]]
    _kind_stems: dict[str, frozenset[str]]
    _kind_cues: dict[str, frozenset[str]]
    _neutral_stems: frozenset[str]
    _kinds: dict
    _intents: dict
    _focus_sections: dict[str, frozenset[str]]  # intent -> sections saying its focus (`focus_decides`)

    def _kept_place(self, section: Section, location: str | None) -> float:
        """A place kept from the last question weighs less than one said: "what about the pill" after the
        knee's causes is answered where the pill is named (the buttocks' causes)."""
        if location is None:
            return 0.0
        same = self.content.location_of(section) == location
        return (1 - _KEPT_PLACE_SHARE) * (-_LOCATION_WEIGHT if same else LOCATION_PENALTY)

    def _score(
        self,
        section: Section,
        asked_stems: frozenset[str],
        kind: str | None,
        location: str | None,
        echoed: set[str],
        carried: frozenset[str] = frozenset(),
        lay: tuple[frozenset[str], ...] = (),
        meaning: bool = False,
        named: bool = False,
        of_a_word: bool = False,
    ) -> float:
        """`named`: the kind was named outright, so another kind's cue ("sore" in "my bum is sore, what would
        the doctor do") does not pull toward that kind's section. `of_a_word`: a meaning asked in so many
        words ("what does that mean"), of whatever the question names."""
        score = 0.0
        if kind and section.about == kind:
            # "what is ..." says little about which section; the words after it say more. So does a meaning
            # asked of a word this section does not say ("gluteal vein, what does that mean"): it is told
            # where the word is said.
            unsaid = of_a_word and bool(asked_stems - self._section_stems[section.id])
            score += _WEAK_KIND_WEIGHT if kind == "overview" and (not meaning or unsaid) else KIND_WEIGHT
        where = self.content.location_of(section)
        if location:
            score += _LOCATION_WEIGHT if where == location else -LOCATION_PENALTY
        # Words that only say the kind ("treated", "symptoms") were counted by the kind weight already.
        shared = (asked_stems & self._section_stems[section.id]) - self._kind_stems.get(kind, frozenset())
        if kind and section.about != kind:
            shared -= self._kind_cues[kind]
            if named:
                shared -= self._kind_cues[section.about]
        # An everyday word ("after", "work") says less of what is asked than a word of the documents'. With
        # the kind named outright, words another kind's section shares are the person's situation ("i sit at
        # a desk all day, how do i avoid clots"), not what is asked.
        share = _OTHER_KIND_SHARE if named and kind and section.about != kind else 1.0
        if kind and section.about in self._kinds[kind].get("situation_kinds", ()):
            share = min(share, _SITUATION_SHARE)
        score += share * sum(
            self._idf.get(w, 0.0) * (_EVERYDAY_SHARE if w in self._neutral_stems else 1.0) for w in shared
        )
        score += _CARRIED_SHARE * sum(
            self._idf.get(w, 0.0) for w in carried & self._section_stems[section.id]
        )
        for stems in lay:
            lay_shared = (stems & self._section_stems[section.id]) - self._kind_stems.get(kind, frozenset())
            score += share * _LAY_SHARE * max((self._idf.get(w, 0.0) for w in lay_shared), default=0.0)
        if section.id in echoed:
            score += _QUESTION_BONUS
        return score

    def _sections_saying_focus(self, intents: dict) -> dict[str, frozenset[str]]:
        """For each intent whose focus decides, the sections that say its focus in the documents' words: fixed
        by the content, so found once rather than on every question."""
        out = {}
        for name, spec in intents.items():
            if not spec.get("focus_decides"):
                continue
            wanted = [
                {self._stem(w) for w in phrase.split() if w not in STOPWORDS} for phrase in spec["focus"]
            ]
            out[name] = frozenset(
                sid for sid, stems in self._section_stems.items() if any(w and w <= stems for w in wanted)
            )
        return out

    def _says_intent_focus(self, section: Section, q_intent: str | None, kind: str | None) -> float:
        """A worried question's kind, in a section saying the intent's answer in the documents' words
        ("should i come off the pill": the prevention sentence saying to talk to your doctor about
        medications), counts more than another kind's section sharing the question's words (the causes naming
        the pill)."""
        intent = self._intents.get(q_intent or "", {})
        # An intent with no kind of its own ("what decides it") is asked of the kind the words name.
        if intent.get("kind", kind) != kind or section.about != kind:
            return 0.0
        return _INTENT_FOCUS_BONUS if section.id in self._focus_sections.get(q_intent or "", ()) else 0.0

    def _one_per_place(self, ranking: list[tuple[float, Section]], kind: str, best: float) -> list[Section]:
        """The best section of `kind` in each place, if each is nearly as good as the overall best."""
        chosen: dict[str, Section] = {}
        for score, section in ranking:
            where = self.content.location_of(section)
            if section.about == kind and where not in chosen and score >= best - _COMBINE_MARGIN:
                chosen[where] = section
        return list(chosen.values())
