"""Spoken commands, recognised as words so they work the same typed, piped or spoken.

A command must be (nearly) the whole utterance: "stop" is a command, "how can i stop a clot from forming" is a
question. Polite fillers around it are ignored.
"""

from __future__ import annotations

from enum import Enum

from rapidfuzz import fuzz, process

from voiceguide.answer.text import normalize


class Command(str, Enum):
    REPEAT = "repeat"
    MORE = "more"
    HELP = "help"
    STOP = "stop"
    SLOWER = "slower"
    FASTER = "faster"
    LOUDER = "louder"
    QUIETER = "quieter"
    START_OVER = "start-over"
    GOODBYE = "goodbye"


_SAYINGS: dict[Command, tuple[str, ...]] = {
    Command.REPEAT: ("repeat", "repeat that", "repeat it", "say that again", "say it again", "again",
                     "what did you say", "pardon", "come again", "one more time", "repeat the answer"),
    Command.MORE: ("more", "tell me more", "say more", "go on", "continue", "more details", "keep going",
                   "more information", "and then", "what else", "anything else", "is there anything else",
                   "anything more", "what else is there", "any others", "any other ones",
                   "are there any others", "are there others", "any more"),
    Command.HELP: ("help", "what can i ask", "what can you do", "what can i say", "topics", "list the topics",
                   "what do you know", "options", "how does this work", "what can you tell me"),
    Command.STOP: ("stop", "cancel", "be quiet", "quiet", "shut up", "enough", "stop talking", "never mind",
                   "nevermind", "hush"),
    Command.SLOWER: ("slower", "slow down", "speak slower", "talk slower", "more slowly", "too fast",
                     "speak more slowly"),
    Command.FASTER: ("faster", "speed up", "speak faster", "talk faster", "too slow", "quicker"),
    Command.LOUDER: ("louder", "speak up", "volume up", "turn it up", "i can't hear you", "too quiet"),
    Command.QUIETER: ("quieter", "softer", "volume down", "turn it down", "too loud", "speak softer"),
    Command.START_OVER: ("start over", "start again", "reset", "new question", "restart", "begin again",
                         "new conversation"),
    Command.GOODBYE: ("goodbye", "good bye", "bye", "bye bye", "exit", "quit", "i'm done", "that's all",
                      "thank you goodbye", "see you"),
}

PHRASES: tuple[str, ...] = tuple(p for sayings in _SAYINGS.values() for p in sayings)
_LOOKUP = {normalize(p): cmd for cmd, sayings in _SAYINGS.items() for p in sayings}
_FILLERS = frozenset(["please", "ok", "okay", "now", "hey", "voiceguide", "thanks", "just", "um", "uh"])
_FUZZY_CUTOFF = 88
_LEADING = {
    "repeat": Command.REPEAT, "stop": Command.STOP, "cancel": Command.STOP,
    "help": Command.HELP, "slower": Command.SLOWER, "faster": Command.FASTER, "louder": Command.LOUDER,
    "quieter": Command.QUIETER, "goodbye": Command.GOODBYE, "slow": Command.SLOWER, "fast": Command.FASTER,
}


LEADING_WORDS: tuple[str, ...] = tuple(_LEADING)  # the one-word commands, for biasing a recognizer


def parse_command(text: str) -> Command | None:
    words = [w for w in normalize(text).split() if w not in _FILLERS]
    if not words or len(words) > 5:
        return None
    core = " ".join(words)
    if core in _LOOKUP:
        return _LOOKUP[core]
    match = process.extractOne(core, list(_LOOKUP), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    if match:
        return _LOOKUP[match[0]]
    # A short utterance that starts with a command word is that command, whatever a recognizer made of the
    # rest: "repeat off" is "repeat that" misheard, and nobody asks a question in two words starting "repeat".
    if len(words) <= 2 and words[0] in _LEADING:
        return _LEADING[words[0]]
    # Likewise "... me more" / "... more": the word that matters came through ("too we more").
    if len(words) <= 3 and words[-1] == "more" and words[0] not in ("no", "not", "any"):
        return Command.MORE
    return None
