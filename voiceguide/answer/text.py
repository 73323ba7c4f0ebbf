"""Text normalisation shared by the compiler and the router, so both see words in the same form.

Recognizers produce lower case words without punctuation; typed questions are brought to that form too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from voiceguide.answer.phrases import find_all

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
# A sentence ends at . ! or ? (with any closing quote or bracket) before white space and a capital or digit.
_SENTENCE_END = re.compile(r"([.!?]+[\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9])")
# Words whose own period does not end a sentence ("e.g. warfarin", "Dr. Lee"); "No." only before a number
# ("No. 5"), since "Is it contagious? No." is a whole answer.
_ABBREVIATIONS = frozenset({"e.g", "i.e", "dr", "mr", "mrs", "ms", "vs", "etc", "approx", "st", "prof",
                            "fig"})

STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but if is are was were be been being am do does did
    done have has had it its it's this that these those there their they them you your yours i me my mine we
    our us he she his her can could would should will shall may might must what which who whom whose how why
    when where as so than then too very just also about into over under up down out off not no such any some
    all each other more most own same only both few many much though although rather while whilst whether well
    s t""".split()
)

# The words a yes/no question opens with ("can a clot ...", "should i ...") and those of any question: one
# list, so the router, the focus and the triage agree on what is being asked.
YES_NO_OPENERS = frozenset(
    "can could is are was were does do did will would should may might has have".split()
)
QUESTION_OPENERS = YES_NO_OPENERS | frozenset("what how why when where whereabouts which who".split())
# Words that stand for what was just talked about: "how do they work" after compression stockings.
POINTING_WORDS = frozenset("it its they them their that this those these".split())
# A question begun again that says one of these is asked of what came before it ("what do they do there").
_POINTING_BACK = POINTING_WORDS | {"there"}


def normalize(text: str) -> str:
    """Lower case, apostrophes kept inside words, everything else that is not a letter or digit dropped."""
    text = text.translate(_APOSTROPHES).lower().replace("-", " ").replace("&", " and ")
    text = _NOT_WORD.sub(" ", text)
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)
    return " ".join(text.split())


def join_spelled(tokens: list[str]) -> list[str]:
    """Letters said one by one ("d v t", "h r t", "m r i") as the one word a recognizer spelled out. "a", "i"
    and a texted "u" are words of their own, so a run does not start with them: "a d v t" is "a dvt", and "can
    it give u a fever" has no "ua"."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha() and (run or token not in ("a", "i", "u")):
            run.append(token)
            continue
        out.extend(["".join(run)] if len(run) > 1 else run)
        run = []
        if token:
            out.append(token)
    return out


def without_stumbles(
    tokens: list[str], fillers: frozenset[str], not_after_fillers: frozenset[str],
    whole: Callable[[str], bool],
) -> list[str]:
    """The words said, without hesitations ("um", "a er blood clot"), a word said twice in a stumble ("the the
    calf") or one cut off and said again in full ("a temper temperature", "side eff effects"), all of which
    break phrases. `whole` tells a word in its own right, which stays: "an anticoagulant", "in injury"."""
    kept: list[str] = []
    for token in tokens:
        last = kept[-1] if kept else ""
        if token == last or (token in fillers and last not in not_after_fillers):
            continue
        if len(last) > 1 and len(token) > len(last) + 1 and token.startswith(last) and not whole(last):
            kept.pop()
        kept.append(token)
    return kept


def words(text: str) -> list[str]:
    return normalize(text).split()


def split_sentences(text: str) -> list[str]:
    """Sentences in reading order, white space folded: the one splitter for the compiler (what a section's
    sentences are) and for speech (tts.spoken_sentences cuts long ones further for the ear).

    A line break always ends a sentence, because lines in the documents and answers are list items and
    headings; abbreviations such as "e.g." and "Dr." do not, nor do decimals such as "2.5". Pieces with no
    letter or digit ("...") are not sentences.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        start = 0
        for m in _SENTENCE_END.finditer(line):
            last_word = line[start : m.start(1)].rsplit(" ", 1)[-1].lower().rstrip(".")
            numbered = last_word == "no" and line[m.end() : m.end() + 1].isdigit()
            if m.group(1).startswith(".") and (last_word in _ABBREVIATIONS or numbered):
                continue
            sentences.append(line[start : m.end(1)].strip())
            start = m.end()
        sentences.append(line[start:].strip())
    return [s for s in sentences if any(c.isalnum() for c in s)]


def slug(text: str) -> str:
    return "-".join(words(text))


def causal_verbs(kinds: dict) -> frozenset[str]:
    """The verbs that ask what brings something about ("cause", "lead", "give"), as the lexicon's kinds
    list them: in a question of another kind ("what complications can it cause") they ask nothing of their
    own, so the router and the focus both leave them out there."""
    return frozenset(w for spec in kinds.values() for w in spec.get("causal", ()))


def asks_why(phrase: str) -> bool:
    """Opens with "why" or "how come", after any "and" or "so": the reason is asked."""
    words = phrase.split()
    while words[:1] in (["and"], ["so"], ["but"]):
        words = words[1:]
    return words[:1] == ["why"] or words[:2] == ["how", "come"]


# A number said as someone's age or as how long something lasted ("my grandpa is 88", "sat for 10 hours"),
# not as a reading ("a temperature of 38"), which is another subject's.
_TOLD_NUMBER = re.compile(
    r"\b(?:is|am|im|i'm|aged|turned|turning|for|over|nearly|almost) (\d+)\b"
    r"|\b(\d+) (?:hours?|hrs?|days?|weeks?|months?|years?|yrs?|minutes?|mins?)\b"
)


def told_numbers(text: str) -> frozenset[str]:
    """The numbers in `text` that tell an age or a length of time: details of the person's own story."""
    return frozenset(a or b for a, b in _TOLD_NUMBER.findall(text))


# An age said bare ("he's 84", "my dad's 80") is advancing age, a risk the documents name; a number before a
# unit ("is 60 minutes") is not an age, and one said with "years" needs nothing added.
_AGE_SAID_AFTER = frozenset("is am im i'm aged turned turning hes shes".split())
_UNITS = frozenset(
    "hours hour hrs days day weeks week months month years year yrs minutes mins mg percent kg pounds stone"
    .split()
)
_OLD_AGE = range(60, 120)


def ages_told(text: str) -> str:
    """`text` with "years old" after an age of 60 or more said without it, the words the lexicon knows."""
    tokens = text.split()
    out: list[str] = []
    for i, token in enumerate(tokens):
        out.append(token)
        before, after = tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""
        if (
            token.isdigit() and int(token) in _OLD_AGE and after not in _UNITS
            and (before in _AGE_SAID_AFTER or before.endswith("'s"))
        ):
            out += ["years", "old"]
    return " ".join(out)


def joinings(run: list[str]) -> tuple[str, ...]:
    """Pieces a recognizer heard as one word, joined; and, a vowel between two of them being heard as a word
    of its own ("venn a gram"), joined without the one-letter pieces inside."""
    joined = "".join(run)
    inside = "".join(w for w in run if len(w) > 1) if min(len(run[0]), len(run[-1])) > 1 else joined
    return tuple(dict.fromkeys((joined, inside)))


def asked_again(text: str, restarts: Sequence[str]) -> str:
    """What follows the last restart ("hang on", "sorry, i mean") that opens a question standing on its own:
    the question begun again is the one asked ("what are the risk factors, sorry, i mean what increases your
    risk"). One that points back ("how do stockings work, sorry, what do they do") is asked of what came
    before, so the whole text is; so is one after a restart with nothing before it ("sorry, what is dvt")."""
    for start, end, _said in sorted(find_all(text, restarts), reverse=True):
        after = text[end:].split()
        stands_alone = bool(after) and after[0] in QUESTION_OPENERS and not _POINTING_BACK & set(after)
        if stands_alone and text[:start].strip():
            return " ".join(after)
    return text
