"""What a conversation remembers between turns, and the turns told from it alone: the rest of the last answer
on "more", and its first sentence on "shorter"."""

from __future__ import annotations

from dataclasses import dataclass, field

from voiceguide.answer import messages
from voiceguide.answer.focus import words_in
from voiceguide.answer.reference import opens_with_reference
from voiceguide.answer.reply import Reply
from voiceguide.answer.route_model import Context, RouteStatus
from voiceguide.answer.text import split_sentences
from voiceguide.answer.triage import Urgency

DISCLAIMER = messages.text("disclaimer")
MORE_HINT = messages.text("more_hint")
_MORE_MAX_WORDS = 70


@dataclass
class ConversationState:
    context: Context = field(default_factory=Context)
    last: Reply | None = None
    more: list[str] = field(default_factory=list)
    more_sources: tuple[str, ...] = ()
    more_source_line: str = ""  # said with the first "more" when the answer itself could not name it
    disclaimer_given: bool = False
    hint_given: int = 0
    # The last question was one the articles do not cover, or about another subject ("leg cramps").
    off_subject: RouteStatus | None = None
    # The most urgent advice given so far: "so what should i do", asked after another question or two about
    # the signs reported, is still about them.
    reported: Urgency = Urgency.NONE

    def next_part(self) -> tuple[str, tuple[str, ...]]:
        """What "more" says: the next sentences of the last answer, about as long as a first answer."""
        if not self.more:
            if self.last is None:
                return messages.text("more_before_question"), ()
            return messages.text("more_at_end"), ()
        taken: list[str] = []
        words = 0
        while self.more and (not taken or words + words_in(self.more[0]) <= _MORE_MAX_WORDS):
            sentence = self.more.pop(0)
            taken.append(sentence)
            words += words_in(sentence)
        if self.more_source_line:
            taken.append(self.more_source_line)
            self.more_source_line = ""
            if not self.disclaimer_given:
                taken.append(DISCLAIMER)
                self.disclaimer_given = True
        if self.more:
            taken.append(MORE_HINT)
        return " ".join(taken), self.more_sources


def shortened(last: Reply) -> tuple[str, tuple[str, ...]]:
    """What "shorter" or "say it simpler" says: the last answer's first sentence, which answers the question,
    and the next only when it leans on it ("This can include staying active"). Nothing is reworded: every
    medical sentence stays the documents' own."""
    first, *rest = split_sentences(last.answer)
    if rest and opens_with_reference(rest[0]):
        return f"{first} {rest[0]}", last.sources
    return first, last.sources
