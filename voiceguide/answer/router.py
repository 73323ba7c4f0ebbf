"""The keyword router: from what a recognizer heard to the section that answers it, or to "not understood".

Why it scores the way it does (see also the README):
1. Repair first. Lay words and known recognizer near-misses are rewritten to the documents' words
   ("blood cloth" -> "blood clot", "blood thinners" -> "anticoagulant"), then each remaining unknown word is
   matched against the content's vocabulary with rapidfuzz, so "symtoms" still means "symptoms".
2. Scope before score. A question is answered only if it is anchored in the domain (a clot word, a body place
   with a question kind or a sign, or a follow-up to the last answer). Words the documents never use
   ("diabetes", "sunburn", "weather") reject it, so a medical question we have no document for is never bent
   into clot content.
3. Score = what it is about (kind) + where (location) + which words it shares with the section, weighted by
   how rare each word is across sections (idf), plus a bonus when it closely matches a question the document
   itself asks (voiceguide/answer/section_scoring.py).
4. No place named and no context: if more than one document answers that kind, the answer combines the key
   sentence of each, and the person can narrow it by naming the place.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz

from voiceguide.answer.follow_up import FollowUps, continues, strays
from voiceguide.answer.phrases import PhraseIndex, Rewriter, any_of, any_of_each, without
from voiceguide.answer.route_model import Context, Query, Route, RouteStatus, top_ids
from voiceguide.answer.scope import everyday
from voiceguide.answer.scope_checks import ScopeChecks
from voiceguide.answer.section_scoring import KIND_WEIGHT, LOCATION_PENALTY, SectionScoring
from voiceguide.answer.text import STOPWORDS, asks_why, causal_verbs, normalize, told_numbers
from voiceguide.answer.understanding import JOINED_MIN, QuestionUnderstanding
from voiceguide.content.content_model import Content, built_once

_QUESTION_MATCH = 88
_MIN_SCORE = 1.0
_CONTEXT_BONUS = 1.0  # "how would it do that": the section just heard, unless the words say otherwise


_ROUTERS: dict[int, tuple[Content, Router]] = {}


class Router(SectionScoring, FollowUps, QuestionUnderstanding, ScopeChecks):
    @classmethod
    def for_content(cls, content: Content) -> Router:
        """One router per loaded content: building one costs ~50 ms, and a kiosk or a batch makes many
        conversations (one per person or per input) over the same content."""
        return built_once(_ROUTERS, content, cls)

    def __init__(self, content: Content) -> None:
        self.content = content
        lex = content.lexicon
        self._rewrite = Rewriter(lex["synonyms"], lex.get("spellings"))
        self._kinds = lex["kinds"]
        self._locations = lex["locations"]
        self._anchors = lex["anchors"]
        self._anchor_words = frozenset(w for a in self._anchors for w in a.split())
        self._uncovered = lex["uncovered"]
        self._neutral = frozenset(lex["neutral"])
        self._fillers = frozenset(lex.get("fillers", []))
        self._not_after_fillers = frozenset(lex.get("not_after_fillers", []))
        self._corrections = lex.get("corrections", [])
        self._restarts = lex.get("restarts", [])
        self._new_subject = lex.get("new_subject", [])
        self._stand_ins = frozenset(lex.get("stand_ins", []))
        self._weak_stand_ins = frozenset(lex.get("weak_stand_ins", []))
        self._intents = lex.get("intents", {})
        # As tuples, so each is indexed once (voiceguide/answer/phrases.py): a template writes out thousands.
        self._intent_phrases = {name: tuple(spec["phrases"]) for name, spec in self._intents.items()}
        self._intent_index = PhraseIndex(self._intent_phrases)
        self._focus_synonyms = lex.get("focus_synonyms", {})
        self._subject_phrases = lex.get("subject_phrases", [])
        # A worried person's words ("should i go to the er") are ours even where no document uses them.
        # Words of everyday life ("running", "swimming") are ours only in a question already about the
        # subject: `needs_anchor` intents lend their words no scope of their own.
        intent_words = {
            w for spec in self._intents.values() if not spec.get("needs_anchor")
            for p in spec["phrases"] for w in p.split()
        }
        self._intent_words = frozenset(intent_words)
        self._intent_only_words = self._intent_words - set(content.vocabulary.words)
        # Kinds whose sections answer a worried question asked of them ("is it serious" of the types).
        self._answering_kinds = frozenset(
            k for spec in self._intents.values() for k in spec.get("answered_in", ())
        )
        # What each document is about, as a question may name it ("leg cramps", "cramps", "blood clot",
        # "clot").
        self._subject_terms: dict[str, list[str]] = {}
        for doc in content.documents.values():
            terms = self._subject_terms.setdefault(doc.subject, [])
            for phrase in (doc.subject, doc.subject_one):
                if phrase:
                    terms += [phrase, phrase.split()[-1]]
        # The lexicon's words for kinds of question ("prevention", "different") are understood too.
        kind_words = {
            w for spec in self._kinds.values()
            for p in spec["words"] + spec["heading"] + spec.get("phrases", []) + spec.get("meaning", [])
            for w in p.split()
        }
        self._known = set(content.vocabulary.words) | intent_words | kind_words
        self._document_text = (
            " " + " ".join(normalize(s) for sec in content.sections for s in sec.sentences) + " "
        )
        # Another subject's word is not one where a document speaks of it: with a document on leg cramps,
        # "cramp" is ours.
        self._foreign = [f for f in lex["foreign"] if f" {f} " not in self._document_text]
        # A lay word the lexicon gives the documents' words for ("hrt", "thick") is understood in a clot
        # question or a follow-up, though no document says it; on its own it does not make a question ours
        # ("a bruise").
        anchored_words = {
            w for spec in self._intents.values() if spec.get("needs_anchor")
            for p in spec["phrases"] for w in p.split()
        }
        self._lay_phrases = [key for key in self._focus_synonyms if " " in key]
        self._lay_words = (
            frozenset({w for key in self._focus_synonyms for w in key.split()} | anchored_words) - self._known
        )
        self._stem = lru_cache(maxsize=8192)(snowballstemmer.stemmer("english").stemWord)
        # "walk" is known because the documents say "walking": a word is known by its stem too.
        self._neutral_stems = frozenset(self._stem(w) for w in self._neutral)
        self._known_stems = frozenset(
            self._stem(w) for w in self._known | self._neutral if w not in STOPWORDS
        )
        cues = [w for spec in self._kinds.values() for w in spec["words"] + spec["heading"] if " " not in w]
        self._kind_word_stems = frozenset(self._stem(w) for w in cues)
        self._all_place_terms = tuple(t for spec in self._locations.values() for t in spec["terms"])
        # "A clot in the leg": a word as wide as the leg says where, not which section answers.
        self._wide_places = frozenset(t for spec in self._locations.values() for t in spec.get("weak", ()))
        self._causal = causal_verbs(self._kinds)
        self._place_words = frozenset(
            w for spec in self._locations.values() for t in spec["terms"] for w in t.split()
        )
        self._fuzzy_targets = sorted(w for w in self._known if len(w) >= 4 and w not in STOPWORDS)
        self._long_words = [w for w in self._fuzzy_targets if len(w) >= JOINED_MIN and not everyday(w)]
        self._kind_stems = {
            kind: frozenset(self._stem(w) for w in spec["heading"] if " " not in w)
            for kind, spec in self._kinds.items()
        }
        subjects = {self._stem(w) for w in lex["subjects"]}
        # Sections are compared on word stems ("warmth" meets "warm"), leaving out the words that only name
        # the subject: every section is about clots, so "dvt" or "clot" must not decide between them.
        self._section_stems = {
            s.id: frozenset(self._stem(w) for w in s.keywords) - subjects for s in content.sections
        }
        n = len(content.sections)
        df = Counter(w for stems in self._section_stems.values() for w in stems)
        # BM25's idf: a word every section has is worth nothing, a word only one section has is worth most.
        self._idf = {w: math.log((n - c + 0.5) / (c + 0.5) + 1.0) for w, c in df.items()}
        self._focus_sections = self._sections_saying_focus(self._intents)
        # The document's own questions, without their place: place is scored on its own, so a knee FAQ must
        # not pull a question that names no place toward the knee.
        self._subjects = frozenset(lex["subjects"])
        # Words a bare question may consist of and still be ours ("what are the symptoms", "how is it
        # treated"). The words of a kind's phrases count too: "is there anything i can do to lower my
        # chances".
        self._plain_words = self._subjects | self._neutral | {
            w for spec in self._kinds.values() for p in spec["words"] + spec["heading"] for w in p.split()
        }
        # A kind's own cue words ("stop" for prevention) found in a section of another kind ("stop bleeding")
        # are a coincidence, not a sign that it answers.
        self._kind_cues = {
            kind: frozenset(self._stem(w) for w in spec["words"] if " " not in w)
            for kind, spec in self._kinds.items()
        }
        self._questions = [
            (self._asked(self._rewrite(normalize(q))), s) for s in content.sections for q in s.questions
        ]

    def _asked(self, text: str) -> str:
        """What a question asks once its place and subject are set aside: "get" in "can you get a clot in your
        bum", so it meets the document's own "Can You Get a Blood Clot in Your Buttocks?"."""
        return " ".join(
            w for w in self._without_places(text).split() if w not in STOPWORDS and w not in self._subjects
        )

    def _without_places(self, text: str) -> str:
        return without(text, self._all_place_terms)

    # -- choosing the answer ---------------------------------------------------------------------
    def route(
        self,
        text: str,
        context: Context | None = None,
        default_kind: str | None = None,
        query: Query | None = None,
    ) -> Route:
        """`default_kind` is the kind to assume when the words name none (a suspected clot: its symptoms);
        `query` is `understand(text)` when the caller has it already."""
        context = context or Context()
        q = self.in_context(query or self.understand(text), context)
        q = self._as_asked_of_the_subject(q)
        # Unanchored, one word we have never seen is enough to say no: "what causes migraines" must not get
        # clot causes. Anchored, only a place or subject the documents do not cover says no.
        if q.uncovered and not q.location and (q.anchored or (context.active and _only_place(q))):
            # "A clot in my arm": about clots, but somewhere the documents do not speak of. Honest, not "I
            # can't help".
            return Route(RouteStatus.NOT_COVERED, q)
        # In a follow-up, a lay word is understood ("what about hrt" after a question about the pill); in one
        # that goes on from the answer ("and on a plane", "is it worse at night"), an everyday word does not
        # make it another subject's. A word of the family of a kind's word ("examine": "examination") asks
        # that kind. A place or a sign alone does not anchor that far: "my knee hurts when i kneel" is not
        # about clots.
        goes_on = context.active and not strays(q) and (
            q.continued or self._refers(q) or continues(q.heard) or q.intent is not None
            or q.kind not in (None, "overview")
        )
        stems = self._known_stems if goes_on else self._kind_word_stems
        stands_in = self._stands_in(q)
        # A lay phrase the lexicon gives document words for ("dark skin": "darker skin tones") is theirs.
        phrased = {w for key in any_of(q.text, self._lay_phrases) for w in key.split()}
        unknown = [
            w for w in q.unknown
            if not (context.active and w in self._lay_words) and not ((goes_on or stands_in) and everyday(w))
            and self._stem(w) not in stems and w not in phrased
        ]
        if q.anchored and q.location and self._clot_in_uncovered_place(q):
            return Route(RouteStatus.NOT_COVERED, q)
        if (q.uncovered and not q.location) or (not q.anchored and (q.foreign or unknown)):
            # A clot-care subject the articles lack, named in words they lack too ("what is a vena cava
            # filter"): honest, not "I can't help".
            spec = self._intents.get(q.intent or "", {})
            if unknown and not q.foreign and not q.uncovered and spec.get("covered") is False and not (
                spec.get("needs_anchor") or spec.get("only_without_kind")
            ):
                return Route(RouteStatus.NOT_COVERED, q)
            if not q.uncovered and self._care_of_a_place(q, spec, unknown):
                return Route(RouteStatus.NOT_COVERED, q)
            return Route(RouteStatus.OUT_OF_SCOPE, q)
        named_risk = not q.anchored and q.kind == "causes" and self._says_a_document_pair(q)
        in_domain = q.anchored or (
            # A place or the subject's own words ("deep veins", "blood", "bed rest" as a risk) with a kind
            # make a clot question: "how is it treated behind the knee", "is bed rest a risk". A place and a
            # bare "what is" do not ("what is the knee" is what a recognizer made of "what's the weather").
            (q.location is not None or any(w in self._subjects for w in q.content_words)
             or self._names_domain_word(q) or (named_risk and self._asks_if_it_counts(q)))
            and q.kind not in (None, "overview")
        ) or (
            # "What is the gluteal vein": a word only the documents use, asked what it is; "is the iliac
            # vein a deep one": asked anything of a place, in the documents' words alone.
            (q.kind == "overview" or (q.kind is None and q.location and not q.unknown and not q.foreign))
            and self._names_domain_word(q)
        ) or (
            # "Can you get one in your thigh": a word standing for the subject, and a place.
            stands_in and q.location is not None and q.kind is not None
        )
        refers = self._refers(q)
        follow_up = not in_domain and context.active and (
            q.kind is not None or q.location is not None or q.intent is not None or refers
        )
        if not in_domain and not follow_up:
            # A bare "what is" names no kind of its own: "what is the way we like to make" (a recognizer's
            # "what's the weather like today") is not a question about clots, so its words must be the
            # subject's.
            plain = (
                self._plain_words if q.kind != "overview" or q.intent else self._plain_words - self._neutral
            )
            plain_stems = {self._stem(w) for w in plain}
            # A kind heard only through a lay word ("blue" for discoloration), with nothing standing for the
            # subject, is not ours: "does it come in blue" is about something for sale.
            # A risk the documents name in two words (named_risk) is their cause, though: "lying in bed ('bed
            # rest') for a week, does that matter" (not "bed" alone: "is it bad to use my phone before bed").
            lay_only = q.lay_kind and q.intent is None and not stands_in and not named_risk
            # Whether the documents' words may stand for the subject: once per question, not per word.
            subject_words = self._points_at_subject(q) or self._named_with_its_words(q)
            phrased_kind = self._said_in_kind_phrase(q) | self._said_in_intent_phrase(q)
            told = told_numbers(q.text)
            # "Is it only in the legs": a place an intent's own phrase asks about does not make it a sign's.
            # A worried question said of anything ("what should i look out for") needs the subject said.
            spec = self._intents.get(q.intent or "", {})
            place_ok = (not q.location or spec.get("names_place", False)) and (
                q.anchored or stands_in or not spec.get("said_of_anything"))
            if (q.kind is not None or q.intent is not None) and place_ok and not lay_only and (
                subject_words or not self._about_a_cue_of_another_kind(q, stands_in)
            ) and all(
                w in plain or self._stem(w) in plain_stems or (q.intent and w in self._intent_words)
                or w in phrased_kind or (stands_in and everyday(w)) or (w in self._known and subject_words)
                # "My grandpa is 88, does age matter": an age or a time, with a kind, is their own detail.
                or (w in told and q.kind not in (None, "overview"))
                for w in q.content_words
            ):
                # "what are the symptoms" or "will it go away" with nothing before it: this assistant only
                # knows its documents' subject, so that is what is asked about.
                in_domain = True
            else:
                status = RouteStatus.OUT_OF_SCOPE if q.content_words else RouteStatus.NOT_UNDERSTOOD
                # A clot-care question the articles do not answer, said with the subject's words ("is aspirin
                # enough to thin my blood"): honest, not "I can't help".
                if spec.get("covered") is False and (
                    (not spec.get("needs_anchor") and any(w in self._subjects for w in q.content_words))
                    or self._care_of_a_place(q, spec, unknown)
                ):
                    status = RouteStatus.NOT_COVERED
                return Route(status, q)

        location = q.location or (context.location if follow_up or not q.anchored else None)
        intent = self._intents.get(q.intent or "", {})
        if intent and not intent.get("covered", True) and not (
            intent.get("only_without_kind") and q.kind and not q.lay_kind
            and q.kind not in intent.get("uncovered_as", ())
        ):
            return Route(RouteStatus.NOT_COVERED, q, location=location)
        kind_said = q.explicit_kind or q.kind in intent.get("not_with_kinds", ())
        # "So what can I do", just after the causes: what can be done about them.
        after_answer = context.active and not context.urgent
        next_kind = intent.get("asks_after", {}).get(context.kind) if after_answer else None
        # ... or in the same breath: "does my age make clots more likely, and what can i do".
        same_breath = intent.get("asks_with", {}).get(q.kind)
        if not next_kind and same_breath and q.anchored:
            next_kind = None if any_of(q.text, intent.get("asks_with_unless", [])) else same_breath
        if intent.get("answer") == "advice" and not kind_said and not next_kind:
            return Route(RouteStatus.ADVICE, q, location=location, kind=q.kind)
        # A worried person's question says what it is about more surely than a stray kind word ("will the
        # swelling go away" is about treatment), unless the kind was named outright.
        intent_kind = next_kind or intent.get("kind")
        # "My gp says it's a superficial clot, is that bad": the types, named in their own words, say how
        # serious each is; "why is a deep clot worse" asks the complications' reason.
        yields = q.kind in intent.get("yields_to", ()) if q.lay_kind else (
            q.kind in intent.get("answered_in", ()) and not asks_why(q.heard) and self._names_one(q)
        )
        asked_kind = q.kind if (q.explicit_kind or not intent_kind or yields) else intent_kind
        kind = asked_kind or (context.kind if follow_up else None) or default_kind or self._bare_subject(q)
        kindless_worry = q.intent is not None and not intent_kind
        if q.lay_kind and kindless_worry and context.kind and context.active and self._refers(q):
            # "Does it depend on how bad it is" after the treatment, a worried question of no kind of its own:
            # "it" is the treatment, and "bad" only sounded like the complications.
            kind = context.kind
        kind = self.kind_for_intent(q, context, self.next_of(q, context, kind))
        if kind == "causes" and self._named_cause_unknown(q):
            # "Can stress cause clots": the cause asked about is one no document names.
            return Route(RouteStatus.NOT_COVERED, q, location=location)
        if kind is None and self._unknown_by_stem(q):
            # In the domain but about something no document names ("can i eat eggs with a clot").
            return Route(RouteStatus.NOT_COVERED, q, location=location)
        asked = self._asked(q.text)
        # The document's own question counts only within a known place: with no place it would favour
        # whichever document happens to have an FAQ.
        echoed = (
            {
                s.id
                for question, s in self._questions
                if fuzz.token_sort_ratio(asked, question) >= _QUESTION_MATCH
                # A kind named outright ("why would i get one") or a worried question's own kind ("which veins
                # in your bottom can get a clot") is not overruled by a look-alike question.
                and not ((q.explicit_kind or intent.get("kind")) and kind != s.about)
                # Another place's question is not this one's: its document asks it about its own place.
                and self.content.location_of(s) in (location, "general")
            }
            if location and asked
            else set()
        )
        # Words that only said the kind ("lower my chances" is prevention) are not counted again as shared
        # words: "lower" must not pull toward a section about the lower legs.
        kind_lists = (self._kinds[kind]["words"], self._kinds[kind].get("phrases", [])) if kind else ()
        said_kind = {w for p in any_of_each(q.text, *kind_lists) if " " in p for w in p.split()}
        # So do the words of a worried question's phrase ("is not treated" asks what happens untreated).
        said_kind |= {w for phrase in any_of(q.text, intent.get("phrases", [])) if " " in phrase
                      for w in phrase.split()}
        asked_stems = frozenset(
            self._stem(w) for w in q.content_words
            if w not in said_kind and w not in self._stand_ins and not (q.location and w in self._wide_places)
            and not (w in self._causal and w not in (self._kinds[kind].get("asking", ()) if kind else ()))
        )
        # "What does that mean", "what does pts stand for": a meaning asked outright, not a bare "what is".
        # So does a worried question the overview answers ("can you get one out of the blue").
        asks_meaning = kind == "overview" and bool(any_of(q.text, self._kinds["overview"].get("meaning", [])))
        meaning = asks_meaning or (kind == "overview" and intent.get("kind") == "overview")
        # The documents' words for the lay words said, except everyday ones ("get" is not "occur" here).
        # Each lay word counts once, by the best of its document words a section has.
        lay_stems = tuple(
            frozenset(
                self._stem(w) for alt in self._focus_synonyms[key] for w in alt.split() if w not in STOPWORDS
            )
            - asked_stems
            for key in any_of(q.text, self._focus_synonyms) if key not in self._neutral
        )
        kind_unsaid = q.kind is None or q.continued or (q.intent is not None and not q.explicit_kind)
        refers_back, carried = self.carried(q, context, refers, follow_up)
        pronoun_only = (refers_back or q.continued) and kind_unsaid and q.location is None
        # A worried question's own kind ("what do they do about it" after a test: the treatment) is not
        # drawn back to the section just heard.
        intent_elsewhere = bool(intent.get("kind")) and context.kind != kind
        here = context.section if pronoun_only and not intent_elsewhere else None
        kept_kind = self.kept_kind(q, context, kind)
        # With articles on several subjects, one the question names ("leg cramps") keeps the others out.
        named = {subject for subject, terms in self._subject_terms.items() if any_of(q.text, terms)}
        unnamed = {d.id for d in self.content.documents.values() if named and d.subject not in named}
        ranking = sorted(
            (
                (
                    self._score(s, asked_stems, kind, location, echoed, carried, lay_stems, meaning,
                                q.explicit_kind and kind == q.kind, of_a_word=asks_meaning)
                    + (_CONTEXT_BONUS if s.id == here else 0.0)
                    + (self._kept_place(s, location) if q.location is None else 0.0)
                    + (KIND_WEIGHT if s.about == kept_kind else 0.0)
                    + self._says_intent_focus(s, q.intent, kind)
                    - (LOCATION_PENALTY if s.document in unnamed else 0.0),
                    s,
                )
                for s in self.content.sections
            ),
            key=lambda pair: -pair[0],
        )
        best_score, best = ranking[0]
        own = frozenset(w for w in asked_stems if w not in self._kind_word_stems)
        if (kind is None or not q.anchored) and any(
            everyday(w) and w not in self._lay_words and w not in said_kind for w in q.unknown
        ) and self._score(best, own, None, None, echoed, carried, lay_stems) < _MIN_SCORE:
            # Everyday words were let in ("can my clot make my hair fall out", "and what causes hair loss"),
            # other than lay words the lexicon gives the documents' words for ("smoke"),
            # but only the kind or the place says which section: no document says what was asked.
            return Route(
                RouteStatus.NOT_COVERED, q, location=location, score=best_score, ranking=top_ids(ranking)
            )
        if best_score < _MIN_SCORE:
            # Anchored in the domain, yet nothing in the documents fits: honest, not "I didn't understand".
            status = RouteStatus.NOT_COVERED if q.anchored else RouteStatus.NOT_UNDERSTOOD
            return Route(status, q, score=best_score, ranking=top_ids(ranking))
        confidence = min(1.0, best_score / 10.0)
        if location is None:
            twins = self._one_per_place(ranking, best.about, best_score)
            if len(twins) > 1:
                return Route(
                    RouteStatus.COMBINED, q, tuple(twins), confidence, None, best.about,
                    f"general.{best.about}",
                    top_ids(ranking), context.terms if carried else (),
                )
        return Route(
            RouteStatus.ANSWER, q, (best,), confidence, self.content.location_of(best), best.about, best.id,
            top_ids(ranking),
            context.terms if carried else (),
        )

    def _names_one(self, q: Query) -> bool:
        """The question names one of its kind ("superficial"), not only the kind ("is that the bad kind")."""
        spec = self._kinds[q.kind] if q.kind else {}
        return bool(any_of(q.text, [w for w in spec.get("words", []) if w not in spec.get("generic", ())]))

    def _names_domain_word(self, q: Query) -> bool:
        """A word of the documents that everyday English seldom uses ("swelling", "ultrasound", "immobility"):
        with a kind of question, it makes the question the documents' ("how is an ultrasound done")."""
        return any(
            w in self._known and w not in self._neutral and w not in STOPWORDS and not everyday(w)
            for w in q.content_words
        )

def _only_place(q: Query) -> bool:
    """"What about in my arm" after a clot question: a place the documents do not cover, and nothing else."""
    return all(w in q.uncovered for w in q.unknown)
