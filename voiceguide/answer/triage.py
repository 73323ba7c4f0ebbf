"""Urgent-first triage: does what the person said call for emergency or doctor advice before anything else?

Policy, erring toward safety:
- `emergency` when any warning sign of a pulmonary embolism is mentioned and not clearly negated, whoever it
  is about ("is chest pain a sign of a clot?" gets the advice too: a false alarm costs a sentence, a miss a
  life).
- A sign counts as negated only when a negation word stands in the same clause within four words before it
  ("i do not have chest pain", "no chest pain", "without shortness of breath"). Uncertainty between them
  ("i do not know if i have chest pain", "not sure whether it is chest pain") keeps the emergency.
- A sign lived with for years ("since i lost my sight"), or help already come ("ambulance is here"), is none.
- `see-doctor` when the person describes a suspected clot in themselves: a body part and a sign (swollen,
  painful, warm, red, ...) with a first-person word, or a phrase like "i think i have a clot".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from voiceguide.answer.phrases import any_of, find_all, without
from voiceguide.answer.route_model import Query
from voiceguide.answer.scope import english_word
from voiceguide.answer.text import POINTING_WORDS, QUESTION_OPENERS, STOPWORDS

_WINDOW = 4
_CLAUSE_BREAKS = frozenset("but however though although yet except now then because".split())


class Urgency(str, Enum):
    EMERGENCY = "emergency"
    SEE_DOCTOR = "see-doctor"
    NONE = "none"


_NEGATED_VERBS = frozenset(
    "have has had having feel feeling felt get getting got "
    "experience experiencing notice noticed any see".split()
)
_COPULAS = frozenset("am is are was were be been".split())
_OTHER_THAN_SIGN = frozenset("well right good great better ok okay fine the much enough".split())
# "i have not coughed", "she did not pass out": a denial when the sign follows at once.
_AUXILIARIES = _COPULAS | frozenset("have has had do does did".split())


def _negated(text: str, start: int, triage: dict[str, Any], *, verb: bool = False) -> bool:
    """True when the sign at `start` is clearly denied in its own clause.

    "no", "without", "never" deny outright; "not" denies only in a denial's shape ("do not have", "am not"),
    so a recognizer's stray "don't" in "my leg it's wouldn't and don't chest pain" does not silence a
    warning sign. A sign that starts with a verb ("coughed up blood") is denied by "not" after a helping verb
    too: "i have not coughed up blood".
    """
    words = text[:start].split()
    before = words[-_WINDOW:]
    clause: list[str] = []
    for word in reversed(before):
        if word in _CLAUSE_BREAKS:
            break
        clause.insert(0, word)
    if any(w in triage["uncertain"] for w in clause):
        return False
    for i, word in enumerate(clause):
        if word == "not":
            after = clause[i + 1] if i + 1 < len(clause) else ""
            before_not = clause[i - 1] if i > 0 else ""
            # ... and only of the sign itself: "i do not feel well, chest pain" denies nothing of the pain.
            if (after in _NEGATED_VERBS or before_not in _COPULAS or (
                not after and before_not in (_AUXILIARIES if verb else _COPULAS)
            )) and not _OTHER_THAN_SIGN.intersection(clause[i + 1:]):
                return True
        elif word in triage["negations"]:
            upto = words[: len(words) - len(clause) + i + 1]
            if not _exclaimed(upto, clause, i, triage):
                return True
    return False


def _exclaimed(upto: list[str], clause: list[str], i: int, triage: dict[str, Any]) -> bool:
    """A "no" cried out before a report ("oh no my chest's gone tight") denies nothing; one just before the
    sign ("oh no, no chest pain") does. `upto`: the words said up to this "no", for the cry before it, which
    may lie before the clause's last few words ("oh no he's just started coughing up blood")."""
    shape = triage.get("exclaimed_no", {})
    if clause[i] != "no" or i + 1 == len(clause):
        return False
    return (len(upto) > 1 and upto[-2] in shape.get("after", [])) or clause[i + 1] in shape.get("before", [])


def _supposing(
    words: list[str], triage: dict[str, Any], last: int | None = None, asking: list[str] | None = None
) -> bool:
    """An "if" or "whether" among `words` that supposes a case ("would my leg feel heavy if i had a clot"),
    not one that asks to be told or seen about the person's own ("can you tell me if i've got a clot", "do i
    need to see a doctor if my thigh hurts"). `last`: only among that many last words; `asking`: only these
    phrases before it ask (by default any that asks to be told or seen)."""
    if asking is None:
        asking = [*triage.get("asking_whether", []), *triage.get("asking_to_be_seen", [])]
    first = 0 if last is None else max(0, len(words) - last)
    # "What happens if i ignore this pain in my calf": supposing what they do about it, not what they have.
    acting = triage.get("if_acting", [])
    return any(
        words[i] in triage["hypothetical"] and not any_of(" ".join(words[max(0, i - 2):i]), asking)
        and not any_of(" ".join(words[i + 1:i + 4]), acting)
        for i in range(first, len(words))
    )


def _affirmed(text: str, phrases: list[str], triage: dict[str, Any], *, reported: bool = False) -> list[str]:
    """Phrases not negated; with `reported`, also not hypothetical ("how do i know if i have a clot")."""
    hits = []
    verbs = frozenset(triage["emergency"].get("verbs", []))
    for start, _end, phrase in find_all(text, phrases):
        if _negated(text, start, triage, verb=phrase.split()[0] in verbs):
            continue
        if reported:
            before = text[:start].split()
            wanted = any(w in triage.get("wanted", ()) for w in before[-_WINDOW:])
            if wanted or _supposing(before, triage, _WINDOW):
                continue
        hits.append(phrase)
    return hits


def _reached_lungs(text: str, triage: dict[str, Any]) -> list[str]:
    """A clot said to have reached the lungs, unless how to tell was asked before it was said."""
    said = _affirmed(text, triage["emergency"].get("reached", []), triage, reported=True)
    asked = [end for _start, end, _phrase in find_all(text, triage["emergency"].get("asked_about", []))]
    first = min((start for start, _end, _phrase in find_all(text, said)), default=0)
    return [] if any(end <= first for end in asked) else said


_NEAR = 6


def _near(text: str, pairs: list[list[list[str]]], triage: dict[str, Any]) -> list[str]:
    """Each pair of word lists with a word of each within six words of the other, in either order, unless
    the first of the two is denied ("i have not coughed up any blood")."""
    words = text.split()
    starts = [0]
    for word in words[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    found = []
    for first, second in pairs:
        a = [i for i, w in enumerate(words) if w in first]
        b = [i for i, w in enumerate(words) if w in second]
        hits = sorted((min(i, j), f"{words[i]} {words[j]}") for i in a for j in b if 0 < abs(i - j) <= _NEAR)
        for index, sign in hits:
            if not _negated(text, starts[index], triage, verb=True):
                found.append(sign)
                break
    return found


def _suspicions(
    text: str,
    triage: dict[str, Any],
    frames: list[str],
    conditions: list[str],
    skipped: Callable[[str, int], bool] = lambda text, start: False,
) -> Iterator[str]:
    """Each suspicion frame followed closely by a condition, as "frame condition". Only little words may stand
    between: "i have a blood clot", not "i have a question about clots". Clots in the family are a risk told,
    not a suspicion, so they are cut first; `skipped` sees the text so cut."""
    text = without(text, triage["see-doctor"].get("family_history", []))
    for start, end, frame in find_all(text, frames):
        if not skipped(text, start):
            condition = _condition_at(_to_condition(text[end:].split(), conditions), conditions)
            yield from [f"{frame} {condition}"] if condition else []


def _suspected(text: str, frames: list[str], conditions: list[str], triage: dict[str, Any]) -> list[str]:
    """"i think i have a dvt", "could this be a clot": a suspicion not denied, not supposed, and not the
    meaning of a word asked ("what is this dvt")."""

    def skipped(said: str, start: int) -> bool:
        # "What if i have a clot" supposes one; "should i see a doctor if i think i have one" asks about it.
        before = said[:start].split()
        defining = bool(before) and before[-1] in triage.get("asks_what_it_is", ())
        # "What tests will they do if they think i've got one": someone else's suspicion, supposed.
        upto = f" {said[:start]}"
        thinker = next((t for t in triage.get("others_think", []) if upto.endswith(f" {t} ")), "")
        before = before[:len(before) - len(thinker.split())]
        return (
            defining
            or _negated(said, start, triage)
            or _supposing(before, triage, 2, triage.get("asking_to_be_seen", []))
        )

    return list(_suspicions(text, triage, frames, conditions, skipped))


def suspects(text: str, triage: dict[str, Any]) -> bool:
    """"if i have a clot", "i might have a dvt": a clot the person says they have or may have, even asked as
    a condition (what to do if so)."""
    doctor = triage["see-doctor"]
    return any(_suspicions(text, triage, doctor["suspect"], doctor["conditions"]))


# What may follow "one" said for a clot: little words or nothing ("i think i've got one now"), never "of".
_AFTER_ONE = (STOPWORDS | frozenset("now again right maybe".split())) - {"of"}


def _one_suspected(text: str, triage: dict[str, Any]) -> list[str]:
    """"I heard garlic clears clots, i think i've got one": "one" said after a clot was named is that clot,
    suspected as "i think i have a clot" is; not "one" of something else ("i have one question", "is it one of
    those things that clear up")."""
    doctor = triage["see-doctor"]
    named = find_all(text, [*doctor["conditions"], *doctor.get("one_stands_for", [])])
    words = text[named[0][1]:].split() if named else []
    # Any other "one" is hidden from the walker, which takes "one" as the condition.
    alone = [w != "one" or i + 1 == len(words) or words[i + 1] in _AFTER_ONE for i, w in enumerate(words)]
    said = " ".join(w if keep else "1" for w, keep in zip(words, alone, strict=True))
    return _suspected(said, doctor["suspect"], ["one"], triage)


def suspects_what_was_said(text: str, triage: dict[str, Any], named: Sequence[str] = ()) -> bool:
    """"I think I've got one of those", just after an answer about clots: the person suspects one, as "i think
    i have a clot" says outright (not denied, not supposed). Not where the same words first name what "that"
    is (`named`: "what about crohn's, i've got that" has Crohn's, not a clot)."""
    doctor = triage["see-doctor"]
    said = text.replace(" have got ", " have ")
    # "That's dangerous is it, it's not ...": a tag question's "is it" before "it" points at nothing twice.
    found = [s for s in _suspected(said, doctor["suspect"], doctor.get("referred", []), triage)
             if not set(s.split()[-2:]) <= POINTING_WORDS]
    first_named = min((start for start, _end, _term in find_all(said, list(named))), default=len(said))
    return any(said.find(suspicion) < first_named for suspicion in found)


def describes_signs(text: str, triage: dict[str, Any], least: int = 1) -> bool:
    """"A sore swollen calf": a body part and at least `least` signs of a clot in it, reported or asked about.
    Two are what a clot, not a strain, is known by: "a swollen sore calf", not "my knee hurts on stairs"."""
    doctor = triage["see-doctor"]
    return bool(any_of(text, doctor["body"])) and len(set(_affirmed(text, doctor["signs"], triage))) >= least


def reports_signs(text: str, triage: dict[str, Any]) -> bool:
    """"Mine's been red and sore for days": signs of a clot said of the person's own, named or not."""
    return bool(_affirmed(text, triage["see-doctor"]["signs"], triage, reported=True))


# Little words between a suspicion and the condition: "i think i've got a clot", "a possible deep vein clot".
_BEFORE_CONDITION = frozenset(
    "got a an the blood some another small big possible deep vein superficial exactly only just probably"
    .split()
)
# ... and "one of" them: "i reckon i've got one of them clots" (where "one" alone is what was just named).
_ONE_OF = frozenset({"one of them", "one of those", "one of these"})


def _condition_at(words: list[str], conditions: list[str]) -> str | None:
    """The condition the words open with, if any."""
    return next((c for c in conditions if words[: len(c.split())] == c.split()), None)


def _to_condition(rest: list[str], conditions: list[str]) -> list[str]:
    """The words from the condition on, past the little words before it ("one of those" said alone is what
    was just named). A condition that opens with one of them ("superficial kind") is not walked past."""
    while rest and not _condition_at(rest, conditions):
        if rest[0] in _BEFORE_CONDITION:
            rest = rest[1:]
        elif len(rest) > 3 and " ".join(rest[:3]) in _ONE_OF:
            rest = rest[3:]
        else:
            break
    return rest


_FINE = frozenset("fine normally ok okay well easily".split())


def _reassuring(text: str, cue: str) -> bool:
    """"i can breathe fine": the cue word said to report that all is well."""
    words = text.split()
    return any(
        w == cue and ((i > 0 and words[i - 1] == "can") or (i + 1 < len(words) and words[i + 1] in _FINE))
        for i, w in enumerate(words)
    )


_CUE_LIKENESS = 80  # "breeth" is 83 like "breath": a spelling no word has, one letter from a warning sign


def _near_misses_as_cues(text: str, cues: list[str], rivals: Iterable[str] = ()) -> str:
    """A word that is no English word but nearly a cue word ("cant catch my breeth") is read as the cue: a
    warning sign misspelt or misheard is still one, and a needless warning costs less than a missed one. A
    slip nearer still to a word of the body ("behing" for "behind" more than "breathing") is that word."""
    words = []
    for word in text.split():
        # A word made from a cue ("chesty") is its own word, not a slip.
        derived = any(word.startswith(cue) for cue in cues)
        if len(word) >= 5 and not derived and not english_word(word):
            match = process.extractOne(word, cues, scorer=fuzz.ratio, score_cutoff=_CUE_LIKENESS)
            nearer = match and process.extractOne(word, rivals, scorer=fuzz.ratio, score_cutoff=match[1])
            word = match[0] if match and match[0][0] == word[0] and not nearer else word
        words.append(word)
    return " ".join(words)


@lru_cache(maxsize=8)
def _body_words(body: tuple[str, ...]) -> tuple[str, ...]:
    """The words of the places a person names beside a sign: a cue's rivals when reading a slip. Built once
    per lexicon, not on every turn."""
    return tuple(sorted({w for phrase in body for w in phrase.split() if len(w) >= 4}))


def _after_preface(text: str, prefaces: list[str]) -> str:
    """The text after a preface it opens with ("just curious, is ..."), which says a question follows."""
    for start, end, _preface in find_all(text, prefaces):
        if start == 0:
            return text[end:].strip()
    return text


def assess(text: str, triage: dict[str, Any]) -> tuple[Urgency, list[str]]:
    """`text` is normalised and synonym-rewritten; returns the level and the signs that raised it."""
    doctor = triage["see-doctor"]
    # "Since i lost my sight i sit all day", "the ambulance is here": not what is happening now.
    now = without(text, triage["emergency"].get("not_now", []))
    signs = _affirmed(now, triage["emergency"]["signs"], triage)
    signs += _reached_lungs(text, triage)
    # "It came back after a few minutes", "it's settled now": a loose match (a cue word, two words near each
    # other) said to have passed is not taken for a sign; a sign said outright still is.
    passed = bool(any_of(text, triage.get("passed", [])))
    if not passed:
        cued = _near_misses_as_cues(
            without(now, triage["emergency"].get("not_cues", [])), triage["emergency"].get("cue_words", []),
            _body_words(tuple(doctor["body"])),
        )
        signs += [cue for cue in _affirmed(cued, triage["emergency"].get("cue_words", []), triage)
                  if not _reassuring(cued, cue)]
        # "The specialist mentioned it in passing on his way out": idioms that hold a pair's words.
        unpaired = without(now, triage["emergency"].get("not_near", []))
        signs += _near(unpaired, triage["emergency"].get("near", []), triage)
    signs += _suspected(text, doctor["suspect"], triage["emergency"]["conditions"], triage)
    if signs:
        return Urgency.EMERGENCY, signs
    phrases = _affirmed(text, doctor["phrases"], triage, reported=True)
    # "I've been told I have a dvt, how do they treat it": already being seen, not suspecting one.
    if not any_of(text, triage.get("under_care", [])):
        phrases += _suspected(text, doctor["suspect"], doctor["conditions"], triage)
        phrases += _one_suspected(text, triage)
    body = any_of(text, doctor["body"])
    body_signs = _affirmed(text, doctor["signs"], triage, reported=True)
    # Someone describing their own body ("my calf is swollen"), or stating rather than asking ("painful red
    # calf"); a general question ("what causes swelling behind the knee") is not a report.
    words = _after_preface(text, triage.get("prefaces", [])).split()
    # "Would my leg feel heavy if i had a clot": a question about a case, not a report of one.
    # "Can you tell me if I've got a clot, my leg is swollen" asks to be told, not what would happen if.
    supposing = bool(words) and words[0] in QUESTION_OPENERS and _supposing(words, triage)
    # "I was wondering if the dye test hurts": asked, and its "i" is the one asking, not whose body.
    indirectly = triage.get("asked_indirectly", [])
    asked = _after_preface(text, indirectly) != text
    reporting = not supposing and (
        any_of(without(text, [*triage.get("requests", []), *indirectly]), doctor["personal"])
        or (words and words[0] not in QUESTION_OPENERS and words[0] not in triage.get("question_openers", ())
            and not asked)
    )
    # "My cat's got a lump on her back leg": an animal's signs are for a vet, not this advice.
    animal = any_of(text.replace("'s ", " "), triage.get("animals", []))  # heard as said: "my cat's leg"
    # "I twisted my knee playing football and now it's swollen": the sign explained by what the person did,
    # unless they wonder about a clot all the same ("could it be piles or a clot").
    exerted = bool(body_signs) and set(body_signs) <= set(triage.get("pain_signs", [])) and bool(
        any_of(text, triage.get("exertion", []))
    )
    explained = (exerted or bool(any_of(text, triage.get("explained_by", [])))) and not any_of(
        text, [*triage.get("still_concerning", []), *doctor["conditions"]]
    )
    if reporting and body and body_signs and not animal and not explained:
        phrases += body + body_signs
    if not phrases:
        return Urgency.NONE, []
    # A clot suspected or a leg described, and a sign that may be the lungs: a cough, a cold sweat.
    with_clot = _affirmed(text, triage["emergency"].get("with_clot", []), triage)
    if with_clot:
        return Urgency.EMERGENCY, phrases + with_clot
    return Urgency.SEE_DOCTOR, phrases


_ORDER = (Urgency.EMERGENCY, Urgency.SEE_DOCTOR, Urgency.NONE)
_MINE = re.compile(r"\bmine\b")


def assess_heard(
    heard: str, repaired: str, triage: dict[str, Any], *, after_answer: bool = False,
    after_advice: bool = False, named: Sequence[str] = (), unresolved: str = "",
) -> tuple[Urgency, list[str]]:
    """The more urgent reading of what was said as heard and as repaired: a repair toward the documents'
    words can turn a warning sign into something else ("blacked out" -> "blocked out"). `after_answer`: an
    answer about clots was just given, so "i think i've got one of those" suspects one. `after_advice`: the
    person has already described signs and been told to get help, so a clot is suspected: "and now she's
    gone clammy" may be it reaching the lungs, as it would be said beside a swollen leg. `named`: things
    "that" may stand for when said before it (risk factors), rather than a clot. `unresolved`: the words as
    understood before a follow-up was read into the last question: "i've got one of those on my bum" names
    a place, which makes it the last question again to the router, and a suspicion here."""
    readings = (assess(text, triage) for text in dict.fromkeys((repaired, heard)))
    urgency, signs = min(readings, key=lambda reading: _ORDER.index(reading[0]))
    if urgency is not Urgency.EMERGENCY and after_advice:
        with_clot = _affirmed(repaired, triage["emergency"].get("with_clot", []), triage)
        if with_clot:
            return Urgency.EMERGENCY, with_clot
    if urgency is Urgency.NONE and after_answer and any(
        suspects_what_was_said(text, triage, named) for text in {repaired, unresolved or repaired}
    ):
        return Urgency.SEE_DOCTOR, ["suspected after an answer"]
    if urgency is Urgency.NONE and after_answer and _MINE.search(repaired):
        # "Mine's been sore for a week", just after an answer about a clot in a place: their own, a report.
        # Said with nothing before it ("mine's a latte, warm milk"), "mine" is no part of a body.
        return assess(_MINE.sub("my leg", repaired), triage)
    return urgency, signs


def asks_for_advice(
    query: Query, intents: dict[str, Any], triage: dict[str, Any], *, off_subject: bool, after_advice: bool
) -> bool:
    """Whether a question asks what to do. One whose unknown word sent it off the subject still does just
    after the advice ("can it wait till my oncology appointment") or when it tells signs of a clot ("can i
    wait and see if my swollen sore calf settles"); so does one asking leave to carry on with such signs
    ("is it ok to keep running on a calf that's hot and swollen"), whatever the articles say of the rest."""
    spec = intents.get(query.intent or "", {})
    asks = spec.get("answer") == "advice"
    if not asks and spec.get("with_signs") != "advice":
        return False
    if asks and (not off_subject or after_advice):
        return True
    return not query.foreign and describes_signs(query.text, triage, least=2)


def keeps_urgency(
    now: Urgency, last: Urgency, query: Query, intents: dict[str, Any], refers: bool,
    asks_if_one: bool = False,
) -> bool:
    """Whether the last advice stands first, over `now`. "Is that bad, should I be worried" just after signs
    were described: it does, as it does for "is that a clot" (`asks_if_one`). Just after an emergency,
    anything that asks no kind of question of its own ("is she ok now", "could it be the clot", "he's on
    blood thinners, does that mean it's fine") hears the emergency advice again; one about something else
    ("play some music") does not. Asking what to do is never about something else there, whatever words it
    is said in ("can it wait till the morning")."""
    spec = intents.get(query.intent or "", {})
    asks_what_to_do = spec.get("answer") == "advice"
    elsewhere = bool(query.foreign) or (bool(query.unknown) and not query.anchored and not asks_what_to_do)
    # "What's happening to her" asks what the signs mean, not what a clot is: a bare "what is" naming no clot.
    own_kind = query.explicit_kind and (query.kind != "overview" or query.anchored)
    if last is Urgency.EMERGENCY and now is not Urgency.EMERGENCY and not (own_kind or elsewhere):
        return True
    keeps = (bool(spec.get("keeps_urgency")) and refers) or asks_if_one
    return keeps and now is Urgency.NONE and last is not Urgency.NONE
