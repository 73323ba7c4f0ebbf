"""Which sentences of a section answer this question, and in what order a listener should hear them.

The router picks the section; a section holds several sentences, and a person listening can hold about one or
two. So the sentences are ranked by what this question asks: its own specific words and the document's words
for them (focus_synonyms in the lexicon: "scan" is an ultrasound, a CT or an MRI), weighted by how rare each
word is across the content, plus how much the sentence says about the kind asked (symptoms named, causes
named). The best one leads. A sentence that opens with "This", "These" or "It" is brought its predecessor,
because without it the listener does not know what it refers to; a sentence that only announces a subject
("The symptoms ... can vary from person to person") never leads. Other answering sentences follow only while
the answer stays short enough to listen to; the rest waits for "more". The router weighs whole sections; when
a sentence of another section about the same place says clearly more of what was asked, that sentence leads
(lead_elsewhere), so an answer that lives outside the routed section is still the first thing heard.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import dropwhile

import snowballstemmer

from voiceguide.answer.phrases import SETTING_ASIDE, Rewriter, any_of, any_of_each, find_all, without
from voiceguide.answer.reference import opens_with_reference
from voiceguide.answer.scope import everyday as common_word
from voiceguide.answer.text import STOPWORDS, YES_NO_OPENERS, causal_verbs, normalize
from voiceguide.content.content_model import Content, Section, built_once

FIRST_ANSWER_WORDS = 40  # about 15 s of listening: what a first answer may say before "more"
# "What else do they use besides thinners": what comes after "besides" is what is not asked.
_PAST = re.compile(SETTING_ASIDE.pattern + r"((?:blood )?\w+)")
# Two facts of the kind asked ("pain, swelling") show a sentence answers it; more do not make it a better
# answer, and the document's own order then decides: articles name the main cause or sign first.
_KIND_HIT = 0.6
_KIND_HITS_MAX = 2
_KIND_NAMED = 0.5  # the sentence names the kind outright ("A common symptom is ...")
_SYNONYM_SHARE = 0.7  # a document word for the asked word counts a little less than the word itself
_DEGREE = frozenset("serious dangerous bad risky common".split())
# Hesitations are gone by now (QuestionUnderstanding._heard): these are the words that open talk.
_OPENERS = frozenset("so and but oh well right ok okay hey hi hello now then".split())
_VAGUE_PENALTY = 3.0
_POSITION_STEP = 0.15
_MIN_FOLLOWER = 1.0
_SAID = -100.0  # a sentence the listener has just heard in the advice
_CARRIED_SHARE = 0.5  # a word of the last question, which this one refers to ("they" = compression stockings)
_PLACE_SHARE = 0.5  # "can you get a clot in your bum": the sentence that says so of that place
_EVERYDAY_SHARE = 0.5  # "work" in "how do compression socks work", beside the words that name the subject
_TOLD_SHARE = 0.25  # a word of the story told before the question: the situation, not what is asked
# A sentence of another section of the same place leads only if it answers clearly better than any sentence of
# the section the router chose: the router weighed the whole section, the sentence is weighed on its own.
_OTHER_SECTION = 1.0
_OTHER_KIND = 1.0  # and more clearly still from a section about another kind of question
# "Is a clot behind the knee serious": "... is a serious medical condition" says yes outright, where "... can
# lead to serious problems" only mentions the word.
_OUTRIGHT = 1.0
_REASON = 1.0  # "why ...": a sentence that says "due to" or "because" about what was asked
_COPULA = re.compile(
    r"\b(?:is|are|be|was|were)\s+(?:(?:a|an|very|so|less|more|not|potentially)\s+)*(\w+)(?:\s+(\w+))?"
)

_RARE_PLACE = 2  # sentences at most that name a place word for it to be asked about on its own


@dataclass(frozen=True)
class Focus:
    """What a question asks, for ranking sentences: each asked term with the document words for it."""

    terms: tuple[tuple[tuple[str, ...], ...], ...]  # per term: alternatives, each a tuple of word stems
    kind: str | None = None
    yes_no: bool = False  # "can it ...", "is it ...": the sentence that says so in the asked words leads
    # what "it" or "they" stands for, from the last question
    carried: tuple[tuple[tuple[str, ...], ...], ...] = ()
    place: tuple[str, ...] = ()  # stems of the place as asked, counted for a yes/no or overview question
    intent: tuple[tuple[tuple[str, ...], ...], ...] = ()  # a worried question's own document words
    # everyday words beside the question's other words
    everyday: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # sentences already said in this reply (the urgent advice): never again
    said: frozenset[str] = frozenset()
    why: bool = False  # "why are clots more likely after surgery": the sentence that gives the reason leads
    told: tuple[tuple[tuple[str, ...], ...], ...] = ()  # words of the story before a closing question


@dataclass(frozen=True)
class Choice:
    """Sentence indices of one section: `first` in speaking order, `rest` (for "more") in document order."""

    first: tuple[int, ...]
    rest: tuple[int, ...]
    matched: bool  # whether any sentence shares a word with what was asked (beyond its kind)


_FOCUSERS: dict[int, tuple[Content, Focuser]] = {}


class Focuser:
    @classmethod
    def for_content(cls, content: Content) -> Focuser:
        return built_once(_FOCUSERS, content, cls)

    def __init__(self, content: Content) -> None:
        lex = content.lexicon
        self.content = content
        self._rewrite = Rewriter(lex["synonyms"], lex.get("spellings"))
        stem = snowballstemmer.stemmer("english").stemWord
        # Words the stemmer folds together though they mean different things ("medications" and "medical").
        exceptions: dict[str, str] = lex.get("stem_exceptions", {})
        self._stem = lru_cache(maxsize=8192)(lambda word: exceptions.get(word) or stem(word))
        self._synonyms: dict[str, list[str]] = lex.get("focus_synonyms", {})
        self._vague = lex.get("vague_phrases", [])
        self._subject_names = lex.get("subject_names", [])
        self._visits = lex.get("visits", [])
        self._spread = lex.get("spread", {})
        self._reasons = lex.get("reason_markers", [])
        self._asking_verbs = causal_verbs(lex["kinds"])
        self._kinds = lex["kinds"]
        self._locations = lex["locations"]
        places = {w for spec in lex["locations"].values() for t in spec["terms"] for w in t.split()}
        # Words that say nothing about which sentence answers: the subject, the places, everyday words.
        self._ignored = set(lex["subjects"]) | places | STOPWORDS
        self._everyday = frozenset(w for w in lex["neutral"] if isinstance(w, str))
        self._stand_in_stems = frozenset(self._stem(w) for w in lex.get("stand_ins", []))
        self._sentence_stems: dict[str, set[str]] = {}
        self._sentence_text: dict[str, str] = {}
        for section in content.sections:
            for sentence in section.sentences:
                norm = self._rewrite(normalize(sentence))
                self._sentence_text[sentence] = norm
                self._sentence_stems[sentence] = {self._stem(w) for w in norm.split()}
        n = len(self._sentence_stems)
        df = Counter(w for stems in self._sentence_stems.values() for w in stems)
        self._idf = {w: math.log((n - c + 0.5) / (c + 0.5) + 1.0) for w, c in df.items()}
        # Place words the documents say once or twice ("gluteal"): said in a question, they are what is
        # asked, where "buttock" or "knee" only say where.
        self._rare_places = frozenset(
            w for w in places - set(lex["subjects"]) - STOPWORDS
            if 0 < df.get(self._stem(w), 0) <= _RARE_PLACE and not common_word(w)
        )
        self._rare_stems = frozenset(self._stem(w) for w in self._rare_places)
        # "These medications do not break up existing clots": a sentence that refers back is also about what
        # it refers to, so it is matched with its predecessor's words too.
        self._about: dict[str, set[str]] = {}
        for section in content.sections:
            for i, sentence in enumerate(section.sentences):
                stems = set(self._sentence_stems[sentence])
                j = i
                while j > 0 and opens_with_reference(section.sentences[j]):
                    j -= 1
                    stems |= self._sentence_stems[section.sentences[j]]
                self._about[sentence] = stems
        self._outright = {
            sentence: {self._stem(w) for m in _COPULA.finditer(text) for w in m.groups() if w}
            for sentence, text in self._sentence_text.items()
        }

    # -- what is asked --------------------------------------------------------------------------
    def focus(
        self, heard: str, rewritten: str, kind: str | None, extra: tuple[str, ...] = (),
        carried: tuple[str, ...] = (), location: str | None = None, story: str = "",
    ) -> Focus:
        """The question's own words, each with the document's words for it; `extra` adds whole terms (an
        intent's focus, such as "seek medical attention" for "what should i do"); `carried` are the words of
        the last question that this one refers to; `location` the place asked about; `story` what was told
        before a closing question, whose words count a quarter unless the question says them too."""
        kind_words = set()
        if kind:
            # The kind's heading words and the words that only ask for it ("what does it feel like"); another
            # kind's asking verbs too ("what complications can it cause": "cause" asks nothing here).
            spec = self._kinds[kind]
            # So do the words asking whether something raises the risk: "does being overweight raise my
            # chances" asks about the weight, not about the sentence saying "increased risk".
            asking = spec["heading"] + spec.get("asking", []) + spec.get("raises_risk", [])
            kind_words = {w for h in asking for w in h.split()}
            kind_words |= self._asking_verbs
        terms: list[tuple[tuple[str, ...], ...]] = []
        covered: set[str] = set()
        asked = set(rewritten[len(story):].split()) if story else None
        told: list[tuple[tuple[str, ...], ...]] = []
        rewritten, heard = self._unnamed(rewritten), self._unnamed(heard)
        for text in (rewritten, heard):
            for m in _PAST.finditer(text):
                covered.update([m.group(1), *m.group(1).split()])
        found = {text: find_all(text, self._synonyms) for text in (rewritten, heard)}
        brought: tuple[frozenset[str], tuple[str, ...]] | None = None  # what rewriting `heard` gives, once
        for as_heard, text in enumerate((rewritten, heard)):
            for start, end, key in _outermost(found[text]):
                if key in covered or key in kind_words:
                    continue
                covered.add(key)
                covered.update(text[start:end].split())
                alternatives = tuple(self._stems(a) for a in [key, *self._synonyms[key]])
                # "Over weight" heard, "overweight" after the rewrite: one thing asked, counted once.
                if as_heard and any(alternatives[1:] == term[1:] for term in (*terms, *told)):
                    continue
                # "Being a bit heavy" is "being a bit overweight" after the rewrite: a heard word the rewrite
                # turned into another asked word ("heavy", the leg's heaviness) is not what is asked.
                if as_heard:
                    brought = brought or self._brought(heard, found[heard])
                    if self._rewritten_away(key, *brought):
                        continue
                in_story = asked is not None and not set(text[start:end].split()) & asked
                (told if in_story else terms).append(alternatives)
        if any_of(rewritten, self._spread.get("from", [])) and any_of(rewritten, self._spread.get("to", [])):
            # "Why does my bum hurt if the clot is up in my groin": a clot felt somewhere else is asked about.
            terms.append(tuple(self._stems(w) for w in self._spread.get("focus", [])))
        everyday: list[tuple[tuple[str, ...], ...]] = []
        for word in rewritten.split():
            # A two-letter word counts only if the documents say it ("ct").
            short = len(word) < 3 and self._stem(word) not in self._idf
            if word in covered or word in kind_words or short or (
                word in self._ignored and word not in self._rare_places
            ):
                continue
            covered.add(word)
            in_story = asked is not None and word not in asked
            (everyday if word in self._everyday else told if in_story else terms).append((self._stems(word),))
        # "So can you actually get one in your bum": a yes or no question after the words that open talk.
        opening = list(dropwhile(lambda w: w in _OPENERS, heard.split()))
        first = opening[0] if opening else ""
        # "How serious is a clot": how much of what the document says outright ("is a serious condition").
        yes_no = first in YES_NO_OPENERS or (first == "how" and len(opening) > 1 and opening[1] in _DEGREE)
        # An everyday word says less of what is asked than a word of the documents' ("after" in "will my leg
        # ever be the same after a dvt"), but it may be all there is ("how do they work"). Who does what is
        # asked ("how do doctors treat it") is not what is asked, though; whether they do it is ("would my
        # doctor give me some": the sentence that says a doctor may recommend them).
        # "... and now her leg is swollen, could that be a clot": what "that" is, the story says.
        if not terms:
            terms, told = told, []
        if not terms:
            terms, everyday = [t for t in everyday if yes_no or not set(t[0]) & self._stand_in_stems], []
        intent = tuple((self._stems(normalize(phrase)),) for phrase in extra)
        why = "why" in opening or heard.startswith("how come")
        said = {s for t in terms for alt in t for s in alt}
        before = tuple(
            t for t in (self._term(w) for w in carried if w not in self._ignored and w not in kind_words)
            if any(t) and not any(s in said for alt in t for s in alt)
        )
        place: tuple[str, ...] = ()
        # "Can you get one in your bum", "tell me about clots in the bum": the sentence saying it of that
        # place. (A document about no one place has the place "general", which is no place to say.)
        if (yes_no or kind == "overview") and location in self._locations:
            # The place as said ("bottom") and as the documents name it ("buttocks").
            said_place = [t for _s, _e, t in find_all(rewritten, self._locations[location]["terms"])]
            said_place.append(self._locations[location]["name"])
            place = tuple(self._stem(w) for t in said_place for w in t.split() if w not in STOPWORDS)
        own = tuple(t for t in terms if any(t))
        return Focus(own, kind, yes_no, before, place, tuple(t for t in intent if any(t)),
                     tuple(t for t in everyday if any(t)), why=why, told=tuple(t for t in told if any(t)))

    def _brought(
        self, heard: str, heard_hits: list[tuple[int, int, str]]
    ) -> tuple[frozenset[str], tuple[str, ...]]:
        """The heard text's words once rewritten, and the asked words the rewrite brought (not heard)."""
        rewritten = self._rewrite(heard)
        before = {k for _s, _e, k in heard_hits}
        became = tuple(k for _s, _e, k in find_all(rewritten, self._synonyms) if k not in before)
        return frozenset(rewritten.split()), became

    def _rewritten_away(self, key: str, words: frozenset[str], became: tuple[str, ...]) -> bool:
        """Whether the rewrite turned the heard `key` into a word asked for something else ("a bit heavy"
        into "a bit overweight"), not into another word for the same thing ("illnesses", "conditions")."""
        if set(key.split()) <= words:
            return False
        meant = set(self._term(key))
        return bool(became) and not any(meant & set(self._term(k)) for k in became)

    def _term(self, word: str) -> tuple[tuple[str, ...], ...]:
        alternatives = [word, *self._synonyms.get(word, [])]
        return tuple(self._stems(a) for a in alternatives)

    def _stems(self, phrase: str) -> tuple[str, ...]:
        return tuple(self._stem(w) for w in phrase.split() if w not in STOPWORDS)

    # -- how well a sentence answers ------------------------------------------------------------
    def term_score(self, sentence: str, focus: Focus) -> float:
        stems = self._about.get(sentence) or {self._stem(w) for w in normalize(sentence).split()}
        own = 2.0 if focus.yes_no else 1.0  # a yes or no said in the question's own words
        score = sum(self._term_weight(t, stems, own) for t in focus.terms)
        score += sum(self._term_weight(t, stems, 1.0) for t in focus.intent)
        score += _EVERYDAY_SHARE * sum(self._term_weight(t, stems, 1.0) for t in focus.everyday)
        score += _TOLD_SHARE * sum(self._term_weight(t, stems, 1.0) for t in focus.told)
        # "Is it serious": when the question's own words name nothing, "it" is all of what it asks about.
        carried_share = _CARRIED_SHARE if focus.terms else 1.0
        score += carried_share * sum(self._term_weight(t, stems, 1.0) for t in focus.carried)
        if focus.yes_no:
            said = self._outright.get(sentence, set())
            # In the question's own word: "dangerous" is not said outright by "is a serious condition".
            score += _OUTRIGHT * sum(1 for t in focus.terms if t and len(t[0]) == 1 and t[0][0] in said)
        if focus.why and score > 0 and self._gives_reason(sentence):
            score += _REASON
        if focus.place and (focus.terms or focus.kind == "overview"):
            score += _PLACE_SHARE * max(
                (self._idf.get(s, 0.0) for s in set(focus.place) & stems), default=0.0
            )
        return score

    def _gives_reason(self, sentence: str) -> bool:
        return bool(any_of(self._sentence_text.get(sentence) or normalize(sentence), self._reasons))

    def _term_weight(self, alternatives: tuple[tuple[str, ...], ...], stems: set[str], own: float) -> float:
        weights = [
            max(self._idf.get(s, 0.0) for s in alt) * (own if n == 0 else _SYNONYM_SHARE)
            for n, alt in enumerate(alternatives)
            if alt and all(s in stems for s in alt)
        ]
        return max(weights, default=0.0)

    def kind_hits(self, sentence: str, kind: str | None) -> int:
        if not kind:
            return 0
        spec = self._kinds[kind]
        # Each list on its own: a concatenated copy would be a new long list, indexed anew on every call.
        return len(any_of_each(
            self._sentence_text.get(sentence) or normalize(sentence), spec["words"], spec.get("phrases", [])
        ))

    def kind_score(self, sentence: str, kind: str | None) -> float:
        """The facts a sentence names for the kind asked ("pain, swelling, warmth, and redness")."""
        if not kind:
            return 0.0
        spec = self._kinds[kind]
        norm = self._sentence_text.get(sentence) or normalize(sentence)
        hits = len(any_of_each(norm, spec["words"], spec.get("phrases", [])))
        named = _KIND_NAMED if any_of(norm, spec["heading"]) else 0.0
        return _KIND_HIT * min(hits, _KIND_HITS_MAX) + named

    def vague(self, sentence: str) -> bool:
        return bool(any_of(self._sentence_text.get(sentence) or normalize(sentence), self._vague))

    def score(self, section: Section, index: int, focus: Focus) -> float:
        sentence = section.sentences[index]
        if sentence in focus.said:
            return _SAID
        score = self.term_score(sentence, focus) + self.kind_score(sentence, focus.kind)
        if self.vague(sentence):
            score -= _VAGUE_PENALTY
        return score - _POSITION_STEP * index

    # -- what to say first ----------------------------------------------------------------------
    def lead(self, section: Section, focus: Focus) -> tuple[int, ...]:
        """The answering sentence, after whatever earlier sentence it needs to make sense."""
        best = max(range(len(section.sentences)), key=lambda i: (self.score(section, i, focus), -i))
        # "... can lead to a range of serious problems. These can include pulmonary embolism, ...": when the
        # next sentence spells out this one, naming more facts of the kind asked, both are said, or the
        # listener hears only the promise of an answer.
        after = best + 1
        if (
            after < len(section.sentences)
            and opens_with_reference(section.sentences[after])
            and self.term_score(section.sentences[after], focus)
            >= self.term_score(section.sentences[best], focus)
            and self.kind_hits(section.sentences[after], focus.kind)
            > self.kind_hits(section.sentences[best], focus.kind)
        ):
            best = after
        return self._with_referent(section, best)

    def _unnamed(self, text: str) -> str:
        """The text without the subject's full names, which say nothing of what is asked about it, and
        without where the person has been."""
        return without(without(text, self._subject_names), self._visits)

    def specific(self, focus: Focus) -> Focus:
        """What was asked in words of its own: without a worried question's usual words, and without everyday
        words that only stand for document words ("get" for "occur")."""
        everyday = {self._stem(w) for w in self._everyday}
        own = tuple(t for t in focus.terms if not (t[0] and all(s in everyday for s in t[0])))
        return replace(focus, terms=own, intent=(), everyday=())

    def asked_fit(self, section: Section, focus: Focus) -> float:
        """How much of what was asked, in the question's own words, the section's best sentence says."""
        asked = replace(focus, intent=())
        return max(self.term_score(s, asked) for s in section.sentences)

    def lead_elsewhere(
        self, chosen: Section, others: list[Section], focus: Focus, keep_kind: bool
    ) -> tuple[Section, tuple[int, ...]] | None:
        """A sentence of another section about the same place that answers clearly better than any of the
        chosen section's ("can a superficial clot cause a lump": the lump is among the symptoms, not the
        types), with what it needs for sense; None if the chosen section holds the answer. With `keep_kind`
        (the kind was named outright: "what causes ...") only sections of that kind compete."""
        here = max(self.score(chosen, i, focus) for i in range(len(chosen.sentences)))
        # What was asked in the question's own words: a worried question's usual words chose the section.
        asked = replace(focus, intent=())
        # "How would they check for a clot in my groin": a place word only says where, and another kind's
        # sentence naming it ("extending into the groin") says nothing of what was asked there.
        here_terms = self.asked_fit(chosen, focus)
        of_kind, here_of_kind = asked, here_terms
        place_aside = focus.kind not in (None, "overview", "causes")
        if place_aside:
            of_kind = replace(
                asked, terms=tuple(t for t in asked.terms if not all(set(a) <= self._rare_stems for a in t))
            )
            here_of_kind = self.asked_fit(chosen, of_kind)
        best: tuple[float, Section, int] | None = None
        for section in others:
            other_kind = section.about != (focus.kind or chosen.about)
            if section.id == chosen.id or (keep_kind and other_kind):
                continue
            wanted, bar = (of_kind, here_of_kind) if place_aside and other_kind else (asked, here_terms)
            for i, sentence in enumerate(section.sentences):
                if self.term_score(sentence, wanted) <= bar:
                    continue  # it must say more of what was asked, not only more of the kind
                score = self.score(section, i, focus) - _OTHER_SECTION - (_OTHER_KIND if other_kind else 0.0)
                if score > here and (best is None or score > best[0]):
                    best = (score, section, i)
        if best is None:
            return None
        return best[1], self._with_referent(best[1], best[2])

    def _with_referent(self, section: Section, index: int) -> tuple[int, ...]:
        unit = [index]
        while unit[0] > 0 and opens_with_reference(section.sentences[unit[0]]):
            unit.insert(0, unit[0] - 1)
        return tuple(unit)

    def choose(self, section: Section, focus: Focus, budget: int = FIRST_ANSWER_WORDS) -> Choice:
        unit = self.lead(section, focus)
        first = list(unit)
        words = sum(len(section.sentences[i].split()) for i in first)
        scores = {i: self.score(section, i, focus) for i in range(len(section.sentences))}
        for i in sorted(scores, key=lambda i: (-scores[i], i)):
            if i in first or scores[i] < _MIN_FOLLOWER or self.vague(section.sentences[i]):
                continue
            needed = [j for j in self._with_referent(section, i) if j not in first]
            extra = sum(len(section.sentences[j].split()) for j in needed)
            if words + extra <= budget:
                first.extend(needed)
                words += extra
        # The lead first; what follows it in the order the document says it.
        first = list(unit) + sorted(i for i in first if i not in unit)
        matched = any(self.term_score(s, focus) > 0 for s in section.sentences)
        rest = tuple(i for i in range(len(section.sentences)) if i not in first)
        return Choice(tuple(first), rest, matched)


def _outermost(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The hits not inside a longer one: "another op" is surgery, and its "another" is not a new clot."""
    return [
        (start, end, key) for start, end, key in hits
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _k in hits)
    ]


def words_in(text: str) -> int:
    return len(text.split())
