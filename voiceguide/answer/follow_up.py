"""Questions that follow an answer: "and behind the knee?", "and the deep ones", "how do they work".

A mixin of the Router (voiceguide/answer/router.py), which builds the tables read here: what a follow-up
keeps from the last question (its place, its kind, what it was about) and what it takes from its own words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

from voiceguide.answer.phrases import any_of, any_of_each, find_all, without
from voiceguide.answer.route_model import Context, Query, Route, RouteStatus
from voiceguide.answer.text import POINTING_WORDS, STOPWORDS, YES_NO_OPENERS

_OPENERS = frozenset("how why what when where which and".split())
# How a question that goes on from the last one begins: "and the deep ones", "what about the pill".
_CONTINUERS = ("and what about", "and how about", "what about", "how about", "and if", "and", "so", "but",
               "or", "then")
# How a question asks for more of the list just heard: "what other operations" after one operation.
_MORE_OF = ("what other", "which other", "any other", "are there any other", "are there other",
            "and what other", "what else", "anything else", "is there anything else", "and what else")
# Said alone just after a list, these ask which of it, not about the types of clot: "which kinds" after
# "can surgery cause a clot".
_WHICH_OF = frozenset({
    "which kinds", "what kinds", "which ones", "what ones", "what sorts", "which sorts", "which types",
    "what types", "like what", "such as", "which operations", "what operations", "which ops", "what ops",
})
# Said around "which kinds" without changing what it asks: "and which ones specifically".
_WHICH_OF_AROUND = ("and", "so", "then", "specifically", "exactly", "in particular", "though")
# Words that ask a question of their own: a continuation with one is more than a noun ("and after surgery").
_ASKING_WORDS = frozenset("how why what when where which who can could do does is are will should".split())
# How a question asks what follows what was just said: "what happens then", "and what happens next".
_WHAT_NEXT = (" then", " next", " after that")
# Said alone, the same: "and then what".
_THEN_WHAT = frozenset({"then what", "and then what", "what then", "and what then", "so then what"})
# Just after a step of care ("what will they do to check it"), the next one if it is found: "and if it's one".
_IF_FOUND = frozenset(
    f"{start} {it} {found}"
    for start in ("and if", "and then if", "what if", "and what if", "so if")
    for it in ("it is", "its", "it's", "they find")
    for found in ("one", "a clot")
)
# Who does what in a question of its own ("can you get them there"); not "it", what was asked before.
_DOERS = frozenset("i you we they he she".split())


class FollowUps:
    """Query + Context -> the query as meant, and the Context the next question may refer to."""

    _locations: dict[str, Any]
    _kinds: dict[str, Any]
    _neutral: frozenset[str]
    _subjects: frozenset[str]
    _place_words: frozenset[str]
    _intent_words: frozenset[str]
    _intent_only_words: frozenset[str]  # intent words the documents never use
    _intents: dict[str, Any]
    _answering_kinds: frozenset[str]  # kinds an intent's `answered_in` names
    understand: Callable[[str], Query]
    _stem: Callable[[str], str]
    _without_places: Callable[[str], str]
    _intent_phrase_words: Callable[[Query], set[str]]

    def resolve(self, query: Query, context: Context) -> Query:
        """A question that only names another place ("and behind the knee?", "what about in the bum") is
        the last question asked again about that place; one that goes on from the last without a kind of its
        own ("and the deep ones", "and if that does not work") asks what the last question asked, about its
        own words; anything else is itself."""
        named = self._asked_of_what_was_named(query, context)
        if named is not None:
            return named
        if context.kind and context.kind != "types" and context.terms and (
            without(query.heard, _WHICH_OF_AROUND) in _WHICH_OF
        ):
            # "Which kinds" of what was just asked about: "which kinds of surgery".
            text = f"{query.text} of {' '.join(context.terms)}"
            return replace(query, text=text, kind=context.kind, explicit_kind=False, lay_kind=False,
                           continued=True)
        if context.kind and query.heard.startswith(_MORE_OF) and not (
            query.explicit_kind or query.location or query.intent
        ):
            # More of what was just listed: its kind, whatever kind the words alone would suggest.
            return replace(query, kind=context.kind, explicit_kind=False, lay_kind=False, continued=True)
        if context.question and not (query.location or query.kind or query.intent or query.anchored):
            return self._continued(query, context)
        if not context.question or query.location is None or query.kind or query.intent:
            return query
        if asks_anew(query.heard):
            return query
        leftover = [w for w in self._without_places(query.text).split()
                    if w not in STOPWORDS and w not in self._neutral and w not in self._subjects]
        if leftover:
            return query
        name = self._locations[query.location]["name"]
        last = context.question
        places = [t for spec in self._locations.values() for t in spec["terms"]]
        hits = find_all(last, places)
        if hits:
            for start, end, _term in reversed(hits):
                last = last[:start] + name + last[end:]
        else:
            last = f"{last} {name}"
        again = self.understand(last)
        return replace(again, heard=query.heard)

    def _asked_of_what_was_named(self, query: Query, context: Context) -> Query | None:
        """"What are the warning signs of one", just after what a pulmonary embolism is: the signs of what was
        just named, which an intent answers (`of_terms`, asked as its `of_terms_kind`), not a clot's signs in
        the leg."""
        if query.intent or query.location or query.anchored or not context.terms:
            return None
        if not _pointing(query.heard) & (POINTING_WORDS | {"one"}):
            return None
        for name, spec in self._intents.items():
            if query.kind == spec.get("of_terms_kind") and set(context.terms) & set(spec.get("of_terms", [])):
                return replace(query, intent=name, kind=spec.get("kind", query.kind), anchored=True)
        return None

    def _continued(self, query: Query, context: Context) -> Query:
        """The kind the last question asked, for a continuation that names none: its words stay its own (they
        choose the section), and what it asked is kept, so "and the deep ones" after "is a clot near the skin
        less serious" asks whether deep ones are."""
        if not continues(query.heard):
            return query
        if strays(query):
            return query
        last = self.understand(context.question)
        kind = last.kind or context.kind
        if kind in self._answering_kinds and context.kind == kind:
            # "Is a clot near the skin serious", answered by the types: "and the deep ones" asks how serious
            # they are, what the question asked besides naming a type.
            kind = self._kind(last.text, besides=kind) or kind
        if kind is None:
            return query
        return replace(query, kind=kind, explicit_kind=False, lay_kind=False, continued=True)

    def context_after(self, route: Route, previous: Context) -> Context:
        """What the next question may refer back to, once `route` has been answered."""
        q = route.query
        own, refers = self._topic_terms(q), self._refers(q)
        # "And is that one serious" after superficial clots: a worried question's own words ("serious"), asked
        # of what was just talked about, which it is still about.
        if refers and own and set(own) <= self._intent_phrase_words(q):
            terms = (*own, *(t for t in previous.terms if t not in own))
        else:
            terms = own or (previous.terms if refers else ())
        location = route.location or q.location or (previous.location if refers else None)
        section = route.topic if route.status in (RouteStatus.ANSWER, RouteStatus.COMBINED) else None
        return Context(location, route.kind or q.kind, section, q.text, terms)

    def _topic_terms(self, q: Query) -> tuple[str, ...]:
        """The words that say what a question was about, beyond its kind, place and subject."""
        kind_heads = {w for spec in self._kinds.values() for h in spec["heading"] for w in h.split()}
        return tuple(
            w for w in q.content_words
            if w not in self._subjects and w not in self._place_words and w not in self._neutral
            # A worried question's own words ("what should i do") say nothing of the topic, but a word the
            # documents use ("stockings") does, even where an intent's phrase says it too.
            and w not in self._intent_only_words
            and w not in kind_heads and w not in STOPWORDS
        )

    def carried(
        self, q: Query, context: Context, refers: bool, follow_up: bool
    ) -> tuple[bool, frozenset[str]]:
        """Whether `q` refers back to the last question ("how do they work": what "they" are is what it was
        about), and the stems of what it refers to that it does not say itself (a question asked again of
        another place says it all). "Is it serious" after superficial clots: the kind comes from a worried
        question's words, and "it" is what was just talked about; "do they help for the buttock one too",
        just after stockings for the knee: "they" are still the stockings, though a place is named."""
        other_place = q.location is not None and context.location not in (None, q.location)
        refers_back = refers and (
            follow_up or (context.active and (other_place or (q.kind is None and q.location is None)))
        )
        if not refers_back:
            return False, frozenset()
        said = {self._stem(w) for w in q.content_words}
        return True, frozenset(self._stem(w) for w in context.terms) - said

    def next_of(self, q: Query, context: Context, kind: str | None) -> str | None:
        """"What happens then" after the lungs: what comes next of what was just said, not a cause; the kind
        stays the last answer's when this one's came only from a word that asks ("happens"). After a kind
        that is a step of care ("what will they do when i get there": the tests), the next step is its
        `next` kind (the treatment)."""
        if context.kind and not q.explicit_kind and not q.intent and (
            (kind == q.kind and q.heard.endswith(_WHAT_NEXT) and self._only_asks(q)) or q.heard in _THEN_WHAT
        ):
            return self._kinds[context.kind].get("next", context.kind)
        if context.kind and q.heard in _IF_FOUND and "next" in self._kinds[context.kind]:
            return self._kinds[context.kind]["next"]
        return kind

    def in_context(self, q: Query, context: Context) -> Query:
        """A worried question that means what it asks only after some kinds of answer (`after_kinds`): "does
        it hurt" after a test asks whether the test hurts, but after the symptoms whether a clot does."""
        after = self._intents.get(q.intent or "", {}).get("after_kinds")
        return replace(q, intent=None) if after is not None and context.kind not in after else q

    def kind_for_intent(self, q: Query, context: Context, kind: str | None) -> str | None:
        """"Is it serious" right after the types: "it" is the type just heard, and the types section says how
        serious each is. A worried question that only points back at a thing named ("superficial
        thrombophlebitis") keeps the last kind where the intent says that kind's sections answer it
        (`answered_in`); after the types in general, "is that the dangerous kind" asks which is."""
        spec = self._intents.get(q.intent or "", {})
        # A kind named only in the worried question's own words ("is it dangerous") is no other kind named.
        named_other = q.explicit_kind and q.kind != spec.get("kind")
        if (
            context.kind in spec.get("answered_in", ()) and not named_other and q.location is None
            and self._refers(q) and context.terms
        ):
            return context.kind
        return kind

    def kept_kind(self, q: Query, context: Context, kind: str | None) -> str | None:
        """"And after surgery" after the causes: a continuation whose kind came from a word alone ("surgery"
        is a treatment word) may still ask about the last kind, which then counts as well; its words decide.
        Not when it asks anew ("and how do i stop it", "and if it turns out to be one": a worried question of
        a kind of its own), nor when the last kind was kept already."""
        if (
            continues(q.heard) and not _ASKING_WORDS & set(continuation(q.heard)) and not q.continued
            and context.kind not in (None, kind) and not q.explicit_kind
            and not self._intents.get(q.intent or "", {}).get("kind")
        ):
            return context.kind
        return None

    def _only_asks(self, q: Query) -> bool:
        """The kind was found only through words that ask for it ("happen", "cause") and no word that names it
        ("complications", "symptoms")."""
        spec = self._kinds[q.kind] if q.kind else {}
        said = any_of_each(q.text, spec.get("words", []), spec.get("phrases", []), spec.get("heading", []))
        return bool(said) and all(w in spec.get("asking", []) for w in said)

    def still_off_subject(self, q: Query, last: RouteStatus | None) -> RouteStatus | None:
        """`last`: the last question was not covered (NOT_COVERED) or about another subject (OUT_OF_SCOPE);
        this one, only referring back to it, is still that ("how do i stop them" after leg cramps). One that
        asks a kind of its own after a question the articles do not cover is a clot question again."""
        # "The blood test you mentioned", after an aside: what this assistant said, which was about clots.
        if any_of(q.heard, self.content.lexicon.get("said_before", [])):
            return None
        # "How do you get rid of one", after a baker's cyst: "one" stands for the thing just asked about too.
        pointing = self._refers(q) or bool({"one", "ones"} & set(q.heard.split()))
        refers = pointing and q.location is None and not q.anchored and not q.foreign
        own_kind = q.kind not in (None, "overview") and last == RouteStatus.NOT_COVERED
        # "And for the knee one", after how long blood thinners are taken for the other: the same question,
        # which the articles do not answer for either place.
        goes_on_uncovered = last == RouteStatus.NOT_COVERED and continues(q.heard)
        other_place = goes_on_uncovered and q.location is not None and not (
            q.kind or q.intent or q.unknown or q.foreign
        )
        # "What about a hot water bottle then", after putting ice on a clot: another thing the articles leave
        # out, said as a continuation with no clot word of its own.
        same_matter = goes_on_uncovered and q.intent is not None and not q.foreign
        # "And another one", after a joke: more of what was asked for, which was not ours.
        said = set(q.heard.split())
        more = last == RouteStatus.OUT_OF_SCOPE and "another" in said and said <= _MORE
        return last if (refers and not own_kind) or other_place or same_matter or more else None

    def refers(self, q: Query) -> bool:
        """Whether `q` points back at what was just said ("which one is it", "how do they work")."""
        return self._refers(q)

    def _refers(self, q: Query) -> bool:
        words = q.heard.split()
        opens = bool(words) and words[0] in _OPENERS
        return bool(POINTING_WORDS & _pointing(q.heard)) and (bool(q.content_words) or opens)


# Words that ask for more of the same and nothing else: "go on, another one please".
_MORE = frozenset("and another one go on please then ok okay tell me give us do".split())


def _pointing(heard: str) -> set[str]:
    """The words as they point back: "it's", "that's", "they're" point as "it", "that" and "they" do."""
    return {w.split("'")[0] for w in heard.split()}


def asks_anew(heard: str) -> bool:
    """"What about the pelvis, can you get them there": after the place, a question of its own with someone
    doing something in it, not the last question asked again of that place."""
    words = heard.split()
    return any(a in YES_NO_OPENERS and b in _DOERS for a, b in pairwise(words[1:]))


def continues(heard: str) -> bool:
    """Begins as a question that goes on from the last one ("and the deep ones"), and says more than that."""
    return bool(continuation(heard))


def continuation(heard: str) -> tuple[str, ...]:
    """The words after a continuation's opener ("the pill" in "what about the pill"); none if it has none."""
    words = heard.split()
    for opener in _CONTINUERS:
        n = len(opener.split())
        if words[:n] == opener.split():
            return tuple(words[n:])
    return ()


def strays(query: Query) -> bool:
    """"And will it rain on the way up to scotland": two words the documents never use, and no place, kind or
    worry of theirs, say another subject, whatever "and" joins it to the last question with."""
    return len(query.unknown) >= 2 and not (query.anchored or query.location or query.kind or query.intent)
