"""Scope judgements the Router makes on an understood question, beside its anchor and unknown-word checks.

A mixin of the Router (voiceguide/answer/router.py), which builds the tables read here. Each says whether a
question is the documents' to answer in a way no single word shows: a kind named by its heading with only the
documents' words, a cause no document names, a cause's own risks asked about on their own, care of a place
the documents do not speak of, or the subject named with nothing asked of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from voiceguide.answer.phrases import Rewriter, any_of
from voiceguide.answer.route_model import Query
from voiceguide.answer.scope import everyday
from voiceguide.answer.text import STOPWORDS, YES_NO_OPENERS, asks_why
from voiceguide.content.content_model import Content

_ASKED_CAUSE = re.compile(
    r"^(?:can|could|does|do|will|would|is|are|might)\s+((?:\w+\s+){1,3}?)"
    r"(?:cause|causes|give you|give me|lead to|turn into|trigger|bring on|raise|increase|make|linked"
    r"|connected|related)\b"
)
# "Can men get clots from taking testosterone": the cause named last.
_CAUSE_FROM = re.compile(
    r"\b(?:clot|clots|dvt|dvts)\s+(?:from|off|because of)\s+(?:(?:taking|using|having|being on|the|a|an)\s+)*"
    r"((?:\w+\s*){1,3})$"
)


# "Does walking help", "would it help at all": whether something helps, and nothing it would help with.
_HELPS = re.compile(r"\b(?:help|helps)(?: at all| much| any| anyway| really| as well| too)?$")
_KIND_OF = re.compile(
    r"\b(?:signs?|symptoms?|treatments?|complications?) (?:of|for) (?:an? |the |being |having )?(\w+)"
)
# What a risk or a chance is of: "my chances of getting pregnant" are not a clot's.
_RISK_OF = re.compile(
    r"\b(?:risks?|chances?) (?:of|for) (?:getting |developing |having )?(?:a |an |the )?(\w+)"
)

# "Is a clot in the arm worse than one in the leg": a clot said to be in a place the documents do not cover.
_CLOT_IN = r"\b(?:clot|clots|one|ones|dvt|thrombosis) in (?:the |your |my |his |her |an |a )?(?:{})\b"


def clot_in(text: str, place: str) -> bool:
    """"A clot in my arm": a clot said to be in that place, not a place said for another reason."""
    return re.search(_CLOT_IN.format(re.escape(place)), text) is not None


class ScopeChecks:
    content: Content
    _rewrite: Rewriter
    _kinds: dict[str, Any]
    _kind_cues: dict[str, frozenset[str]]
    _known: set[str]
    _known_stems: frozenset[str]
    _intents: dict[str, Any]
    _lay_words: frozenset[str]
    _neutral: frozenset[str]
    _plain_words: frozenset[str]
    _subjects: frozenset[str]
    _stand_ins: frozenset[str]
    _stem: Callable[[str], str]

    def _asks_if_it_counts(self, q: Query) -> bool:
        """"Is bed rest a risk", "does all that desk work count": of a risk the documents name in two of
        their words, whether it counts; not "is bed rest bad for your back", of another harm."""
        causes = self._kinds["causes"]
        return bool(any_of(q.text, [*causes.get("asks_if_risk", []), *causes.get("raises_risk", [])]))

    def _named_with_its_words(self, q: Query) -> bool:
        """"Do the symptoms vary from person to person": a kind named by its heading word, and every other
        word the documents' own, as said (not repaired toward them)."""
        if not q.explicit_kind or q.kind in (None, "overview") or self._kind_of_another(q):
            return False
        spec = self._kinds[q.kind]
        if not any_of(q.text, [h for h in spec["heading"] if h not in spec.get("weak", ())]):
            return False
        said = set(self._rewrite(q.heard).split())
        return all(w in said and (w in self._known or w in self._plain_words) for w in q.content_words)

    def _about_a_cue_of_another_kind(self, q: Query, stands_in: bool) -> bool:
        """"My dad smokes, what are the risks": with nothing standing for a clot, a word that is only another
        kind's cue ("smokes": a cause) is what the question is about, and the risks asked are its own."""
        if stands_in or q.kind is None:
            return False
        if self._kind_of_another(q):
            return True
        if q.intent is not None:
            return False
        own = self._kind_cues.get(q.kind, frozenset())
        others = [cues for kind, cues in self._kind_cues.items() if kind != q.kind]
        # "The pill" names a cause outright, though "pills" alone is a treatment's word.
        said_as_kind = {w for p in any_of(q.text, self._kinds[q.kind]["words"]) for w in p.split()}
        return any(
            self._stem(w) not in own and any(self._stem(w) in cues for cues in others)
            for w in q.content_words
            if w not in STOPWORDS and w not in self._neutral and w not in self._subjects
            and w not in said_as_kind
        )

    def _kind_of_another(self, q: Query) -> bool:
        """"What are the early signs of pregnancy": the kind asked of what another kind's word names (a
        cause), not of a clot."""
        of = _KIND_OF.search(q.text)
        if q.kind is None or of is None or of.group(1) in self._subjects:
            return False
        named = self._stem(of.group(1))
        return any(named in cues for kind, cues in self._kind_cues.items() if kind != q.kind) and (
            named not in self._kind_cues.get(q.kind, frozenset())
        )

    def _care_of_a_place(self, q: Query, spec: dict[str, Any], unknown: list[str]) -> bool:
        """Care the articles do not speak of, asked of a place of theirs ("should i keep my leg raised", "is
        it worth icing my calf"): whatever the sore leg is, they do not say, and that is the honest reply."""
        return (
            spec.get("covered") is False and q.location is not None and not q.foreign
            and all(w in self._lay_words for w in unknown)
        )

    def _clot_in_uncovered_place(self, q: Query) -> bool:
        """A clot placed in a part of the body the documents do not cover, whatever other place is named
        beside it: what they say of the legs is not said of the arm."""
        return any(clot_in(q.text, u) for u in q.uncovered)

    def _named_cause_unknown(self, q: Query) -> bool:
        """"Can stress cause clots", "is anxiety linked to clots", "clots from taking steroids": the words
        between the opening and the verb, or after "from", name the cause asked about; if none of them is a
        word the documents or the lexicon know, no document says whether it does. Nor if it is another
        subject's, whatever its words ("does high blood pressure give you clots")."""
        m = _ASKED_CAUSE.match(q.text) or _CAUSE_FROM.search(q.text)
        if not m:
            return False
        if any(f" {f} " in f" {m.group(1)} " for f in q.foreign):
            return True
        named = [w for w in m.group(1).split() if w not in STOPWORDS and w not in self._neutral]
        return bool(named) and all(
            w in q.unknown and w not in self._lay_words and self._stem(w) not in self._known_stems
            for w in named
        )

    def _as_asked_of_the_subject(self, q: Query) -> Query:
        """"I have crohn's, does that affect my risk", "which operations carry the biggest risk": a risk
        factor the documents name, asked whether it raises a risk, with nothing else the risk is of ("the
        risk of lung cancer"), asks about this assistant's subject: its causes. "Does keeping active help":
        a measure the documents advise, asked whether it helps and nothing more, asks about its prevention, as
        "how can i lower my risk" does."""
        if q.anchored or q.foreign or q.uncovered:
            return q
        causes, prevention = self._kinds["causes"], self._kinds["prevention"]
        risk, helps = bool(any_of(q.text, causes.get("raises_risk", []))), bool(_HELPS.search(q.text))
        lowers = bool(any_of(q.text, prevention.get("lowers_risk", [])))
        if not (risk or helps or lowers) or (q.intent and not lowers):
            return q
        known = self._known
        if not all(w in known or self._stem(w) in self._known_stems or everyday(w) for w in q.content_words):
            return q
        of = _RISK_OF.search(q.text)
        of_ours = of is None or of.group(1) in self._subjects or of.group(1) in self._stand_ins
        # A kind named outright stays ("does quitting smoking matter" asks about prevention).
        other_kind = q.explicit_kind and q.kind not in (None, "causes")
        if risk and of_ours and not other_kind and not lowers and any_of(q.text, causes.get("factors", [])):
            return replace(q, kind="causes", explicit_kind=True, anchored=True)
        if (helps and any_of(q.text, prevention.get("measures", []))) or (lowers and of_ours):
            return replace(q, kind="prevention", explicit_kind=True, anchored=True)
        return q

    def _said_in_kind_phrase(self, q: Query) -> set[str]:
        """The words of a phrase of the asked kind that the question says ("sitting for hours"): they frame
        the question as that kind's, as the kind's single words do."""
        spec = self._kinds.get(q.kind or "", {})
        return {w for p in any_of(q.text, spec.get("phrases", [])) for w in p.split()}

    def _said_in_intent_phrase(self, q: Query) -> set[str]:
        """With a kind asked ("do the symptoms vary between people"), the words of the worried question's
        phrase frame it as the subject's, as a kind's phrase does; without one, an intent that needs an anchor
        ("does it vary") lends them nothing."""
        return self._intent_phrase_words(q) if q.kind is not None else set()

    def _intent_phrase_words(self, q: Query) -> set[str]:
        """The words of the worried question's phrases heard in it ("should i see" in "should i see a gp")."""
        phrases = self._intents.get(q.intent or "", {}).get("phrases", [])
        return {w for phrase in any_of(q.text, phrases) for w in phrase.split()}

    def _bare_subject(self, q: Query) -> str | None:
        """"Blood clots", "what about dvt" with nothing before it: the subject named and nothing asked of it
        asks what it is."""
        named = any(w in self._subjects for w in q.content_words)
        bare = all(w in self._subjects or w in self._neutral for w in q.content_words)
        # A question that asks something of the subject ("can you have a clot and not know it") is not a bare
        # name.
        asks = bool(YES_NO_OPENERS & set(q.heard.split()))
        return "overview" if named and bare and not asks and q.intent is None and q.location is None else None

    def only_asks_what_to_do(self, q: Query, also: frozenset[str] = frozenset()) -> bool:
        """"Should i see a doctor", "need a gp for a clot": nothing but what to do about a clot, asked with
        nothing before it; the person asking is taken to be the one worried (not "do surface clots need a
        doctor", which names what it asks about, nor "why get it seen quickly", which asks a reason). `also`:
        words that may be said besides (the kind of clot one has)."""
        spec = self._intents.get(q.intent or "", {})
        if spec.get("answer") != "advice" or asks_why(q.heard):
            return False
        unconfirmed = self.content.lexicon.get("unconfirmed", ())
        if any_of(q.text, [f"{u} {c}" for u in unconfirmed for c in ("clot", "blood clot", "dvt")]):
            # "Is it worth going to the er for a possible clot behind the knee": still their worry, wherever.
            return True
        if q.location is not None:
            return False
        own = self._intent_phrase_words(q) | set(unconfirmed) | also  # "for a suspected clot": their worry
        return all(w in own or w in self._subjects or w in self._neutral for w in q.content_words)

    def asks_to_be_seen(self, q: Query) -> bool:
        """"Should he go to a and e then", "should i see my gp": whether the person, or one they look after,
        should be seen, whatever was answered before. Not a bare "what should i do" (after the causes, how to
        prevent them), nor "does that kind still need a doctor", asked of a kind of clot."""
        triage = self.content.lexicon["triage"]
        who = [*triage["see-doctor"]["personal"], *triage.get("seen_of", [])]
        # "Do i need to see a doctor for a superficial clot": one's own clot, of a kind named, is a worry; "do
        # i still need a doctor for the surface kind" asks of the kind.
        of_kind = any_of(q.text, triage.get("asked_of_the_kind", []))
        named = () if of_kind else triage.get("kinds_seen_for", ())
        kinds = frozenset(w for kind in named for w in kind.split())
        return self.only_asks_what_to_do(q, kinds) and bool(
            any_of(q.text, triage.get("asking_to_be_seen", [])) and any_of(q.text, who)
        )
