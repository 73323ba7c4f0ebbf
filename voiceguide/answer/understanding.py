"""What a recognizer's text says, before any section is chosen: the words repaired toward the documents', and
the place, kind of question and worried person's intent it names.

A mixin of the Router, which builds the tables read here (voiceguide/answer/router.py): understanding and
choosing share them, and keeping the words' reading apart lets each be read on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from itertools import pairwise
from typing import Any

from rapidfuzz import fuzz, process

from voiceguide.answer.phrases import PhraseIndex, Rewriter, any_of, any_of_each, find_all, not_aside, without
from voiceguide.answer.route_model import Query
from voiceguide.answer.scope import english_word, everyday
from voiceguide.answer.scope_checks import clot_in
from voiceguide.answer.slips import g_restored, one_slip_from, unglued
from voiceguide.answer.text import (
    QUESTION_OPENERS,
    STOPWORDS,
    YES_NO_OPENERS,
    ages_told,
    asked_again,
    asks_why,
    join_spelled,
    joinings,
    normalize,
    without_stumbles,
)

_FUZZY_CUTOFF = 84
# Pieces joined into a word must make one this long: "ultra sound", not "a pill".
JOINED_MIN = 7
_WEAK_KIND_WORD = 0.5
# Said between an intent's phrase and the word after it: "what can i do (myself|day to day|at home) to".
_SAID_BETWEEN = frozenset(
    "myself yourself himself herself ourselves themselves day daily every at home here".split()
)
_HEADING_BONUS = 0.5  # "why" asks for a reason, but "why is it dangerous" is about the danger
# A question put after a story ("she's been in bed all week and her thigh aches, does hrt make clots more
# likely"): an auxiliary then its subject opens it, and the story before it is this many words at least.
_ASKED_SUBJECTS = frozenset("i you he she they we a an the there".split())
_STORY_WORDS = 8
# "What foods should she avoid": the question opens at a question word a few words before the auxiliary.
_WH = QUESTION_OPENERS - YES_NO_OPENERS
_WH_REACH = 5
# "The worst thing that can happen": an auxiliary after these goes on with the sentence.
_RELATIVE = frozenset("that which who".split())
# Mid-sentence, these tell the story rather than ask: a likelihood ("the specialist said i might need one")
# or what has happened ("she was diagnosed yesterday", "he has had one before").
_ASKING_AUX = YES_NO_OPENERS - {"may", "might", "was", "were", "has", "have"}
# "Is it normal to ...", "would it be wise for ...": "it" holds the place of what follows.
_OPENING_IT = re.compile(r"^(is|was|would|will|could) it ((?:be )?\w+ (?:to|for))\b")


class QuestionUnderstanding:
    """Text -> Query, from the lexicon's tables the Router builds."""

    _rewrite: Rewriter
    _kinds: dict[str, Any]
    _locations: dict[str, Any]
    _anchors: list[str]
    _anchor_words: frozenset[str]
    _foreign: list[str]
    _uncovered: list[str]
    _neutral: frozenset[str]
    _stand_ins: frozenset[str]
    _weak_stand_ins: frozenset[str]
    _plain_words: frozenset[str]
    _intents: dict[str, Any]
    _focus_synonyms: dict[str, list[str]]
    _subject_phrases: list[str]
    _known: set[str]
    _document_text: str
    _lay_words: frozenset[str]
    _stem: Callable[[str], str]
    _known_stems: frozenset[str]
    _fuzzy_targets: list[str]
    _long_words: list[str]  # the documents' long, uncommon words: what a recognizer may split
    _without_places: Callable[[str], str]
    _subjects: frozenset[str]
    _place_words: frozenset[str]
    _intent_phrases: dict[str, tuple[str, ...]]
    _intent_index: PhraseIndex
    _fillers: frozenset[str]
    _corrections: list[str]
    _restarts: list[str]
    _new_subject: list[str]
    _not_after_fillers: frozenset[str]

    def rewrite(self, text: str) -> str:
        """Normalise, rewrite lay words, repair near-misses against the vocabulary, rewrite again."""
        return self._repair(self._rewrite(ages_told(self._heard(text))))

    def _heard(self, text: str) -> str:
        """The words said, without stumbles (text.without_stumbles), with letters spelled out as one word
        ("h r t"), and with a place taken back: "a clot behind the knee, no wait, I mean in the buttock"."""
        heard = " ".join(without_stumbles(
            join_spelled(normalize(text).split()), self._fillers, self._not_after_fillers,
            lambda word: word in self._known or word in self._neutral or word in STOPWORDS,
        ))
        taken_back = find_all(heard, self._corrections)
        if taken_back:
            start, end, _said = taken_back[-1]
            before, after = heard[:start].strip(), heard[end:].strip()
            if before and self._location(self._rewrite(after)):
                return f"{self._without_places(before)} {after}"
        return heard

    def _repair(self, first: str) -> str:
        repaired = []
        for word in self._rejoined(first.split()):
            if word.endswith("'s") and word not in self._known and (
                word[:-2] in self._known or word[:-2] in self._neutral or english_word(word[:-2])
            ):
                # "my calf's been swollen": the calf; "her ankle's warm": the ankle; "grandad's home": grandad
                word = word[:-2]
            if self._plain(word) or len(word) < 4:
                repaired.append(word)
                continue
            word = g_restored(word) or word
            match = process.extractOne(
                word, self._fuzzy_targets, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
            ) or (None if english_word(word) else one_slip_from(word, self._fuzzy_targets))
            # A short real word is never repaired into a domain anchor: "lots" is a letter from "clots", and a
            # coffee order must not become a clot question that way. "Blod" is no word; "thrombosys" is long.
            if match and len(word) < 6 and match[0] in self._anchor_words and english_word(word):
                match = None
            # Nor into a word with another first letter: "spain" is not "pain".
            if match and len(word) < 6 and match[0][0] != word[0]:
                match = None
            # A real word was said as heard ("raining" is not "raising"), unless the match is only its
            # other form ("aches", "ache") or its contraction written out ("doesnt", "doesn't").
            other_stem = match is not None and self._stem(match[0]) != self._stem(word)
            if match and other_stem and english_word(word) and "'" not in match[0]:
                match = None
            repaired.extend((match[0],) if match else unglued(word, self._plain) or (word,))
        return self._rewrite(" ".join(repaired))

    def _plain(self, word: str) -> bool:
        """A word repair leaves as it is."""
        return (
            word in self._known or word in self._neutral or word in STOPWORDS or word.isdigit()
            or word in self._lay_words or word in self._foreign
        )

    def _rejoined(self, words: list[str]) -> list[str]:
        """A long word of the documents a recognizer heard in pieces ("throm bosis", "venn o gram", "anti coag
        you lants"): two to four pieces, one of them no word we know, that together are that word or nearly,
        with its first letter."""
        out: list[str] = []
        i = 0
        while i < len(words):
            for n in (4, 3, 2):
                run = words[i:i + n]
                ways = joinings(run)
                joined = ways[0]
                if len(run) < n or len(joined) < JOINED_MIN or all(self._plain(w) for w in run):
                    continue
                match = next(filter(None, (
                    process.extractOne(one, self._long_words, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
                    for one in ways
                )), None)
                word = match[0] if match else ""
                # A piece that is already the word ("compression sock") swallows its neighbour: not joined.
                if word[:1] == joined[0] and word not in run:
                    out.append(word)
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def understand(self, text: str) -> Query:
        heard = self._heard(text)
        fresh = bool(any_of(heard, self._new_subject))
        heard = self._heard(without(heard, self._new_subject)) if fresh else heard
        # Warning signs told before a question begun again are still heard (triage reads `heard`).
        asked = asked_again(heard, self._restarts)
        first = self._rewrite(ages_told(asked))
        rewritten = self._repair(first)
        # Before repair, which may bend a foreign word toward the documents'; after it too ("my cat's").
        foreign = tuple(dict.fromkeys([*any_of(first, self._foreign), *any_of(rewritten, self._foreign)]))
        location = self._location(rewritten)
        # A kind named in lay words ("does it change the colour of the skin") is found through the document
        # words for them ("discoloration" is a symptom).
        story, closing_kind, closing = self._closing_question(rewritten)
        said_kind = closing_kind or self._kind(rewritten)
        kind = said_kind or self._kind(self._document_words(rewritten))
        content_words = tuple(w for w in rewritten.split() if w not in STOPWORDS and len(w) > 1)
        # A number ("he's 82") is said around a question, never its subject.
        unknown = tuple(
            w for w in content_words if w not in self._known and w not in self._neutral and not w.isdigit()
        )
        uncovered = tuple(
            u for u in any_of(rewritten, self._uncovered) if not self._in_documents(rewritten, u)
        )
        intent, intent_words = self._intent(asked, rewritten)
        if closing:
            # "We took the kids camping and I sat in the car for hours, does sitting that long raise the
            # risk": what the articles lack was said in the story; the question after it asks what they cover.
            # "... and now i'm lying here worrying, what is a venogram": a worry told in the story, and a kind
            # the question names, is the question's.
            lacking = intent is not None and self._intents[intent].get("covered") is False
            asks_what = closing_kind is not None and closing.startswith(("what is", "what are", "what does"))
            if (lacking or asks_what) and intent and not any_of(closing, self._intent_phrases[intent]):
                intent, intent_words = self._intent(closing, closing)
            # "He broke his arm and has been in bed since, does lying about make a clot more likely": a place
            # the articles lack is the situation unless a clot is said to be there or the question names it.
            uncovered = tuple(u for u in uncovered if any_of(closing, [u]) or clot_in(rewritten, u))
        # Some worried questions are said only of a clot ("a bit broke off and went to my lungs"), or are
        # said of one with a risk the documents name and nothing else named ("i'm on the pill, should i
        # switch"; not "do antibiotics stop the pill working").
        spec = self._intents.get(intent or "", {})
        said_as_intent = {
            w for p in (any_of(rewritten, self._intent_phrases[intent]) if intent else []) for w in p.split()
        }
        # An anchor inside another subject's phrase ("he called me a clot") anchors nothing.
        anchored = (
            bool(any_of(without(rewritten, foreign), self._anchors)) or bool(spec.get("anchors")) or bool(
                any_of(rewritten, spec.get("anchored_by", [])) and not foreign
                and all(everyday(w) or w in said_as_intent for w in unknown)
            )
        )
        named = any_of_each(
            rewritten, self._kinds[kind]["heading"], self._kinds[kind].get("phrases", [])
        ) if kind else []
        if intent and self._intents[intent].get("kind") and all(asks_why(n) for n in named):
            # "Why do some legs stay swollen after a clot": why asks the reason of what the worried question
            # names (the long-term effects), not a cause.
            named = []
        # The kind counts as named outright when its words say more than the worried question's phrase: in
        # "what if i don't get my knee clot treated", "what if i do not get" beats "do not get".
        # A kind the worried question speaks over is said, not asked: in "my tablets put me at risk, should i
        # change them" the risk is said and the change asked.
        gives_way = spec.get("gives_way", {"to": ()})
        explicit = (
            bool(named) and max(len(n.split()) for n in named) >= intent_words
            and kind not in spec.get("over_kinds", ())
        ) or (kind in gives_way["to"] and intent_words <= gives_way["within_words"])
        return Query(
            heard, rewritten, location, kind, anchored, foreign, content_words, unknown, uncovered, intent,
            explicit, kind is not None and said_kind is None, story=story, new_subject=fresh,
            asked="" if asked == heard else asked,
        )

    def _stands_in(self, q: Query, stand_ins: frozenset[str] | None = None) -> bool:
        """A question that names no subject yet stands for the one this assistant knows: "does everybody get
        the same symptoms with these", "will the doctor send me for a scan". It asks a kind of question or a
        worried one, has a word that stands for the subject, and names nothing else: no other illness, no
        place the documents lack. A place alone is not enough: "my knee hurts when i X" may be about X."""
        return (
            not q.anchored and not q.foreign and not q.uncovered
            and (q.kind is not None or q.intent is not None)
            and bool((self._stand_ins if stand_ins is None else stand_ins) & set(q.text.split()))
        )

    def _points_at_subject(self, q: Query) -> bool:
        """"Does it hurt to walk": "it" may stand for anything ("what makes it rain"), so with it only the
        documents' own words and the plain words of a question are the subject's; "one" or "these" let
        everyday words in too (`_stands_in`). The documents' words must be said, not repaired toward them
        ("why is it glowing" is not "growing"); a question's plain words may be repaired ("hurt": "pain")."""
        said = set(self._rewrite(q.heard).split())
        # "Is it normal to feel low after a baby": an "it" that only opens the sentence stands for nothing.
        opened = replace(q, text=_OPENING_IT.sub(r"\1 \2", q.text))
        return self._stands_in(opened, self._stand_ins | self._weak_stand_ins) and all(
            w in said or w in self._plain_words for w in q.content_words
        )

    def _in_documents(self, text: str, term: str) -> bool:
        """"Heart disease" is a cause the documents name, though a clot in the heart is not their subject:
        an uncovered word counts as covered where the question says it with a neighbour the documents say
        too."""
        words = text.split()
        for i, word in enumerate(words):
            if word != term:
                continue
            pairs = [(words[j], words[j + 1]) for j in (i - 1, i) if j >= 0 and j + 1 < len(words)]
            if any(f" {a} {b} " in self._document_text for a, b in pairs if not {a, b} <= STOPWORDS):
                return True
        return False

    def _says_a_document_pair(self, q: Query) -> bool:
        """Two words of the question, its little words set aside, said together as a document says them
        ("bed rest", "desk work")."""
        words = [w for w in q.text.split() if w not in STOPWORDS]
        return any(f" {a} {b} " in self._document_text for a, b in pairwise(words))

    def _unknown_by_stem(self, q: Query) -> tuple[str, ...]:
        """Unknown words whose stem no content word shares either, and that are not everyday English: in a
        clot question, "walk" is the documents' "walking", and "even" or "linked" say nothing of a subject
        the documents lack. Only for questions already in the domain; unanchored, any unseen word still says
        no."""
        return tuple(
            w for w in q.unknown
            if self._stem(w) not in self._known_stems and w not in self._lay_words and not everyday(w)
        )

    def _document_words(self, text: str) -> str:
        found = [self._focus_synonyms[key] for key in any_of(text, self._focus_synonyms)]
        return " | ".join(alt for alternatives in found for alt in alternatives)

    @cached_property
    def _not_after(self) -> dict[str, tuple[str, ...]]:
        """Each intent's `not_after` words, as the endings of the text before a phrase that rule it out."""
        return {name: tuple(f" {p}" for p in s.get("not_after", [])) for name, s in self._intents.items()}

    def _intent(self, heard: str, rewritten: str) -> tuple[str | None, int]:
        """The worried person's question this is, and how many words its phrase has: the longest phrase wins
        (earlier intents win ties), heard as said or as rewritten ("can it kill" is "can it fatal" once
        rewritten)."""
        best, best_len = None, 0
        # "is a clot behind the knee dangerous" asks what "is a clot dangerous" asks.
        # Often two of them are one text: it is looked up once.
        texts = dict.fromkeys((heard, rewritten, self._without_places(rewritten)))
        found = [(text, self._intent_index.find(text)) for text in texts]
        for name, spec in self._intents.items():
            # "what can i do (myself) to stop getting clots" asks how to do that, not what to do now; "is it
            # bad to use my phone" asks about using it, not whether a clot is bad (`not_before`).
            # "To" only after "do": "should i go to a and e to get checked" still asks whether to go.
            to_blocks = spec.get("answer") == "advice"
            blocked = frozenset(spec.get("not_before", ()))
            # "Since his stroke, is he at risk of clots": a condition said as what happened is the situation.
            # "When it reaches the lungs, is it a vein or an artery that is blocked": another subject said.
            if spec.get("not_with") and any(any_of(text, spec["not_with"]) for text in texts):
                continue
            after = self._not_after.get(name, ())
            hits = [
                phrase
                for text, hits_by_name in found
                for start, end, phrase in hits_by_name[name]
                if not _blocked_after(text[end:], blocked, to_blocks and phrase.endswith(" do"))
                and not (after and f" {text[:start]}".rstrip().endswith(after))
            ]
            longest = max((len(h.split()) for h in hits), default=0)
            if longest and spec.get("decides"):
                return name, longest
            if longest > best_len:
                best, best_len = name, longest
        # "I'm on hrt, what should i do": what to do about a medicine named with it is whether to change it.
        # Said together, the two say the worried question more fully than either kind's words.
        for other, cues in self._intents.get(best or "", {}).get("becomes", {}).items():
            said = any_of(rewritten, cues)
            if said:
                return other, best_len + max(len(c.split()) for c in said)
        return best, best_len

    def _location(self, text: str) -> str | None:
        # A place word inside what a document is about ("leg cramps") is not the place asked about.
        text = without(text, self._subject_phrases)
        counts = {}
        weak = {}
        for loc, spec in self._locations.items():
            # "Can the swelling spread down the leg": how far a sign reaches, not where the clot is.
            passing = without(text, spec.get("passing", ()))
            hits = not_aside(passing, find_all(passing, spec["terms"]))
            # Overlapping terms ("behind the knee" and "knee") count once.
            counts[loc] = len({start for start, _end, _term in hits})
            weak[loc] = len({start for start, _end, term in hits if term in spec.get("weak", ())})
        # A word as wide as "leg" names that place only when no other is named: "can clots happen in the
        # buttocks or just the legs", "would the swelling spread down the leg" ask about the buttocks.
        if sum(1 for loc in counts if counts[loc] > weak[loc]) == 1:
            counts = {loc: n - weak[loc] for loc, n in counts.items()}
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def _closing_question(self, text: str) -> tuple[str, str | None, str]:
        """The kind named by a question put at the end of a story of eight words or more ("... her bottom is
        still sore, can a fall like that cause a clot"), whatever kind the story's own words name; and the
        story itself, when the question names one thing of it; and the question."""
        words = text.split()
        for i in range(len(words) - 2, _STORY_WORDS - 1, -1):
            following = words[i + 1]
            relative = words[i - 1] in _RELATIVE
            if words[i] in _ASKING_AUX and not relative and (
                following in _ASKED_SUBJECTS or following not in STOPWORDS
            ):
                opens = next((j for j in range(i - 1, max(i - _WH_REACH, 0) - 1, -1) if words[j] in _WH), i)
                # "What medicine do they use": the kind may be named before the auxiliary; "why" asks the
                # reason of anything, not only the causes.
                kind = self._kind(" ".join(words[i if words[opens] == "why" else opens:]))
                if kind in (None, "overview"):
                    return "", None, ""
                # "I sit all day and I'm on the pill, does the pill raise my risk": the question names one
                # thing of the story, and that is what is asked; the rest is the person's situation. A
                # question that names none ("could she get a clot from that") is asked of the whole story.
                told, asked = words[:i], words[i:]
                told_stems = {self._stem(w) for w in told}
                names_one = any(
                    self._stem(w) in told_stems for w in asked
                    if w not in STOPWORDS and w not in self._subjects and w not in self._place_words
                )
                return (" ".join(told) if names_one else ""), kind, " ".join(words[opens:])
        return "", None, ""

    def _kind(self, text: str, besides: str | None = None) -> str | None:
        """`besides`: a kind not to be chosen (the one whose section answered already)."""
        # A word that names the kind ("prevent") says more than one of its cues ("smoking"): "can you
        # prevent clots by quitting smoking" asks about prevention. Not "cause": "can a clot cause pain" asks
        # about an effect.
        scores = {
            kind: sum(
                _WEAK_KIND_WORD if w in spec.get("weak", ()) else 1.0 for w in any_of(text, spec["words"])
            )
            + 2 * len(any_of_each(text, spec.get("phrases", []), spec.get("occurs_in", [])))
            + _HEADING_BONUS * len(any_of(text, [
                h for h in spec["heading"]
                if h not in spec.get("weak", ()) and h not in spec.get("asking", ())
            ]))
            for kind, spec in self._kinds.items()
            if kind != besides
        }
        # "What is" and "what are" open every kind of question: overview only when no other kind is named
        # ("what are the complications ..." is about complications).
        specific = {kind: score for kind, score in scores.items() if kind != "overview"}
        # Unless asked whether they occur in a place: "can clots happen in the buttock" (not "why do people
        # get clots there": the causes).
        if specific and max(specific.values()) > 0 and not self._asks_where_they_occur(text):
            scores = specific
        best = max(scores.values())
        if best == 0:
            return None
        chosen = next(kind for kind in self._kinds if scores.get(kind) == best)
        # "My dad is laid up after his operation, how can he lower his risk": the situation names a cause,
        # but what is asked, in a phrase of its own, is how to prevent one.
        for kind, spec in self._kinds.items():
            outranks = chosen in spec.get("outranks", ()) and kind != besides
            if outranks and any_of(text, spec.get("phrases", [])):
                return kind
        return chosen

    def _asks_where_they_occur(self, text: str) -> bool:
        occurs_in = self._kinds.get("overview", {}).get("occurs_in", [])
        return "why" not in text.split() and bool(any_of(text, occurs_in))


def _blocked_after(rest: str, blocked: frozenset[str], to_blocks: bool) -> bool:
    """Whether the word after a worried question's phrase (past "myself" or "day to day") says it is another
    question: a `not_before` word, or "to" or "so" after "what can i do"."""
    following = next((w for w in rest.split() if w not in _SAID_BETWEEN), "")
    return following in blocked or (to_blocks and following in ("to", "so"))
