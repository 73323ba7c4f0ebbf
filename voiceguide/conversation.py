"""One person's conversation: turns what they said into exactly what VoiceGuide will say, urgent advice first.

Every sentence of medical content comes from the compiled documents. The only sentences written here are about
using the assistant (help, "say more"), the reminder that this is general information, and the instruction to
call the emergency number, whose number is configurable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from voiceguide.commands import HELP_COMMANDS, Command, parse_command
from voiceguide.content_model import Content, Section
from voiceguide.router import Context, Route, Router
from voiceguide.speech_settings import adjustment_reply
from voiceguide.triage import Urgency, assess

DEFAULT_EMERGENCY_NUMBER = os.environ.get("VOICEGUIDE_EMERGENCY_NUMBER", "")
_MORE_MAX_WORDS = 70

DISCLAIMER = "This is general information, not a diagnosis."
MORE_HINT = "Say more to hear more."
OUT_OF_SCOPE = (
    "I can answer questions about blood clots behind the knee and in the buttocks, such as their symptoms, "
    "causes, treatment and prevention. I can't help with that question."
)
NOT_UNDERSTOOD = "Sorry, I didn't understand that. You can ask about blood clots, or say help."
NOTHING_HEARD = "I didn't hear a question. Ask about blood clots, or say help."


def emergency_instruction(number: str = "") -> str:
    if number:
        return f"This could be an emergency. Call {number} now."
    return "This could be an emergency. Call your local emergency number, such as 911, now."


@dataclass(frozen=True)
class Reply:
    """What one turn produces; `answer` is the exact text to speak, urgent advice first."""

    input: str
    heard: str
    topic: str | None
    urgency: Urgency
    answer: str
    sources: tuple[str, ...] = ()
    score: float = 0.0
    status: str = "answer"  # answer | combined | command | out-of-scope | not-understood | urgent
    command: Command | None = None

    def to_json(self) -> dict:
        """The documented JSON contract (README): these six keys always, in this order."""
        return {
            "input": self.input,
            "heard": self.heard,
            "topic": self.topic,
            "urgency": self.urgency.value,
            "answer": self.answer,
            "sources": list(self.sources),
        }


@dataclass
class _State:
    context: Context = field(default_factory=Context)
    last: Reply | None = None
    more: list[str] = field(default_factory=list)
    more_sources: tuple[str, ...] = ()
    disclaimer_given: bool = False
    hint_given: int = 0


class Conversation:
    def __init__(self, content: Content, *, emergency_number: str = DEFAULT_EMERGENCY_NUMBER) -> None:
        self.content = content
        self.router = Router.for_content(content)
        self.emergency_number = emergency_number
        self._state = _State()

    def reset(self) -> None:
        """Forget everything about the last person (start over, or a kiosk idle timeout)."""
        self._state = _State()

    @property
    def has_context(self) -> bool:
        return self._state.context.section is not None

    def handle(self, text: str) -> Reply:
        command = parse_command(text)
        if command is not None:
            return self._command(text, command)
        reply = self._question(text)
        if reply.status in ("answer", "combined", "urgent"):
            self._state.last = reply
        return reply

    # -- commands ------------------------------------------------------------------------------
    def _command(self, text: str, command: Command) -> Reply:
        state = self._state
        heard = self.router.understand(text).heard
        last = state.last
        topic = last.topic if last and command in (Command.REPEAT, Command.MORE) else None
        sources: tuple[str, ...] = ()
        if command is Command.REPEAT:
            answer = last.answer if last else "I haven't said anything yet. Ask about blood clots, or say help."
            sources = last.sources if last else ()
        elif command is Command.MORE:
            answer, sources = self._more()
        elif command is Command.HELP:
            answer = self.help_text()
        elif command is Command.START_OVER:
            self.reset()
            answer = "Starting over. What would you like to know about blood clots?"
        elif command is Command.GOODBYE:
            answer = "Goodbye. Take care."
        elif command is Command.STOP:
            answer = ""
        else:  # slower, faster, louder, quieter: the live loop applies them and says whether a limit was hit
            answer = adjustment_reply(command.value)
        return Reply(text, heard, topic, Urgency.NONE, answer, sources, 1.0, "command", command)

    def _more(self) -> tuple[str, tuple[str, ...]]:
        state = self._state
        if not state.more:
            if state.last is None:
                return "Ask me a question first, then say more to hear the rest.", ()
            return "That's everything the article says about this. You can ask another question.", ()
        taken: list[str] = []
        words = 0
        while state.more and (not taken or words + len(state.more[0].split()) <= _MORE_MAX_WORDS):
            sentence = state.more.pop(0)
            taken.append(sentence)
            words += len(sentence.split())
        if state.more:
            taken.append(MORE_HINT)
        return " ".join(taken), state.more_sources

    def help_text(self) -> str:
        kinds = sorted({s.about for s in self.content.sections}, key=list(self.content.lexicon["kinds"]).index)
        labels = [self.content.kind_label(k) for k in kinds]
        places = [self.content.location_name(d.location) for d in self.content.documents.values()]
        place_text = " and ".join(dict.fromkeys(places))
        topic_text = ", ".join(labels[:-1]) + f", and {labels[-1]}" if len(labels) > 1 else labels[0]
        return f"You can ask me about blood clots {place_text}: {topic_text}. {HELP_COMMANDS}"

    # -- questions -----------------------------------------------------------------------------
    def _question(self, text: str) -> Reply:
        state = self._state
        query = self.router.understand(text)
        urgency, _signs = assess(query.text, self.content.lexicon["triage"])
        # Someone who suspects a clot but asks nothing in particular is best served by its warning signs.
        default_kind = "symptoms" if urgency is not Urgency.NONE else None
        route = self.router.route(text, state.context, default_kind=default_kind, query=query)
        urgent = self._urgent_text(urgency)
        heard = route.query.heard

        # A warning sign with no clot word or body place ("my chest hurts") gets the advice alone: an answer
        # about symptoms in general would only stand between the person and the phone.
        bare_urgent = urgent and not (route.query.anchored or route.query.location)
        if route.status in ("out-of-scope", "not-understood") or bare_urgent:
            if urgent:
                # A warning sign needs no topic: say what to do, and nothing that could distract from it.
                return Reply(text, heard, None, urgency, urgent, self._urgent_sources(urgency), 0.0, "urgent")
            if not heard:
                return Reply(text, heard, None, urgency, NOTHING_HEARD, (), 0.0, "not-understood")
            message = OUT_OF_SCOPE if route.status == "out-of-scope" else NOT_UNDERSTOOD
            return Reply(text, heard, None, urgency, message, (), route.score, route.status)

        body, more, sources = self._answer_parts(route)
        parts = [urgent, body] if urgent else [body]
        parts.append(self._source_line(sources))
        if not state.disclaimer_given:
            parts.append(DISCLAIMER)
            state.disclaimer_given = True
        if more and state.hint_given < 2:
            parts.append(MORE_HINT)
            state.hint_given += 1
        state.more = list(more)
        state.more_sources = tuple(sources)
        state.context = Context(route.location, route.kind, route.topic)
        all_sources = tuple(dict.fromkeys([*self._urgent_sources(urgency), *sources]))
        return Reply(
            text, heard, route.topic, urgency, " ".join(p for p in parts if p), all_sources, route.score, route.status
        )

    def _answer_parts(self, route: Route) -> tuple[str, list[str], list[str]]:
        if route.status == "combined":
            pieces, more = [], []
            for section in route.sections:
                place = self.content.location_name(self.content.location_of(section))
                pieces.append(f"For a clot {place}: {section.sentences[section.key]}")
                more.extend(s for i, s in enumerate(section.sentences) if i != section.key)
            names = " or ".join(
                self.content.location_name(self.content.location_of(s)).split()[-1] for s in route.sections
            )
            pieces.append(f"Say {names} to hear about one place.")
            return " ".join(pieces), more, self._titles(route.sections)
        section = route.sections[0]
        return section.short_text, list(section.rest), self._titles((section,))

    def _titles(self, sections: tuple[Section, ...]) -> list[str]:
        return list(dict.fromkeys(self.content.documents[s.document].title for s in sections))

    def _source_line(self, titles: list[str]) -> str:
        if not titles:
            return ""
        quoted = " and ".join(f"'{t.rstrip('?.!')}'" for t in titles)
        return f"From the article {quoted}." if len(titles) == 1 else f"From the articles {quoted}."

    def _urgent_text(self, urgency: Urgency) -> str:
        if urgency is Urgency.NONE:
            return ""
        advice = " ".join(a.text for a in self.content.urgent[urgency.value])
        if urgency is Urgency.EMERGENCY:
            return f"{emergency_instruction(self.emergency_number)} {advice}"
        return f"Please see a doctor soon. {advice}"

    def _urgent_sources(self, urgency: Urgency) -> tuple[str, ...]:
        if urgency is Urgency.NONE:
            return ()
        return tuple(dict.fromkeys(self.content.documents[a.document].title for a in self.content.urgent[urgency.value]))
