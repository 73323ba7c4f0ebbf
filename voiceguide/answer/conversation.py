"""One person's conversation: turns what they said into exactly what VoiceGuide will say, urgent advice first.

Every sentence of medical content comes from the compiled documents, chosen for what was asked
(voiceguide/answer/focus.py) and kept short enough to listen to: about 40 words, then the source, and the rest
on "more". The only sentences written here are in content/messages.yaml (voiceguide/answer/messages.py): about
using the assistant, the reminder that this is general information, and the instruction to call the emergency
number, whose number is configurable.
"""

from __future__ import annotations

import os
from dataclasses import replace

from voiceguide.answer import messages
from voiceguide.answer.advice_choice import AdviceChoice, messages_norm
from voiceguide.answer.assembly import AnswerAssembly
from voiceguide.answer.commands import Command, parse_command
from voiceguide.answer.conversation_state import DISCLAIMER, MORE_HINT, ConversationState, shortened
from voiceguide.answer.focus import FIRST_ANSWER_WORDS, Choice, Focuser, words_in
from voiceguide.answer.phrases import any_of
from voiceguide.answer.reasons import asks_why_of_the_last, reason_for
from voiceguide.answer.reply import Reply, ReplyStatus
from voiceguide.answer.route_model import Context, Route, RouteStatus
from voiceguide.answer.router import Router
from voiceguide.answer.text import QUESTION_OPENERS
from voiceguide.answer.triage import (
    Urgency,
    asks_for_advice,
    assess_heard,
    describes_signs,
    keeps_urgency,
    reports_signs,
    suspects,
)
from voiceguide.content.content_model import Content
from voiceguide.speech.settings import adjustment_reply

DEFAULT_EMERGENCY_NUMBER = os.environ.get("VOICEGUIDE_EMERGENCY_NUMBER", "")
# A see-a-doctor answer is the advice (about 35 words) and, if it fits here, the sentence that answers (one
# sentence of up to about 25 words: the advice alone would leave the question unanswered).
_SEE_DOCTOR_MAX_WORDS = 60
# Asked as a question ("will my leg always be swollen after a dvt"), the answer is what was asked for: the
# advice comes first, and the answering sentence is said even when it is long.
_SEE_DOCTOR_QUESTION_MAX_WORDS = 70
# Signs said to have lasted are had: "it's been sore for days", "i've had it since monday".
_LASTED = frozenset({"been", "had", "having"})

emergency_instruction = messages.emergency_instruction


def __getattr__(name: str) -> str:
    """OUT_OF_SCOPE, NOT_UNDERSTOOD and NOTHING_HEARD as said with the installed content: their subject comes
    from the documents, so they are built on first use rather than written here."""
    keys = {"OUT_OF_SCOPE": "out_of_scope", "NOT_UNDERSTOOD": "not_understood",
            "NOTHING_HEARD": "nothing_heard"}
    if name in keys:
        from voiceguide.content.content_model import load_content

        return messages.about(load_content(), keys[name])
    raise AttributeError(name)


class Conversation(AnswerAssembly, AdviceChoice):
    def __init__(self, content: Content, *, emergency_number: str = DEFAULT_EMERGENCY_NUMBER) -> None:
        self.content = content
        self.router = Router.for_content(content)
        self.focuser = Focuser.for_content(content)
        self.emergency_number = emergency_number
        self._state = ConversationState()

    def reset(self) -> None:
        """Forget everything about the last person (start over, or a kiosk idle timeout)."""
        self._state = ConversationState()

    def urgency(self, text: str) -> Urgency:
        """How urgent `text` is, triaged as a question would be, without answering it or changing the
        conversation: the live loop asks this of speech it would otherwise ignore (no wake phrase), since
        someone in trouble does not remember to say it first."""
        query = self.router.understand(text)
        return assess_heard(query.heard, query.text, self.content.lexicon["triage"])[0]

    def handle(self, text: str) -> Reply:
        command = parse_command(text)
        if command is not None:
            return self._command(text, command)
        reply = self._question(text)
        if reply.status in (ReplyStatus.ANSWER, ReplyStatus.COMBINED, ReplyStatus.URGENT, ReplyStatus.ADVICE):
            self._state.last = reply
        if reply.urgency is Urgency.EMERGENCY or (
            reply.urgency is Urgency.SEE_DOCTOR and self._state.reported is Urgency.NONE
        ):
            self._state.reported = reply.urgency
        return reply

    # -- commands ------------------------------------------------------------------------------
    def _command(self, text: str, command: Command) -> Reply:
        state = self._state
        heard = self.router.understand(text).heard
        last = state.last
        topic = last.topic if last and command in (Command.REPEAT, Command.MORE, Command.SHORTER) else None
        sources: tuple[str, ...] = ()
        if command in (Command.REPEAT, Command.SHORTER) and last is None:
            answer = messages.about(self.content, "nothing_said_yet")
        elif command is Command.REPEAT and last:
            answer, sources = last.answer, last.sources
        elif command is Command.SHORTER and last and last.urgency is not Urgency.NONE:
            answer = self._instruction(last.urgency)  # what to do, when that was the advice
        elif command is Command.SHORTER and last:
            answer, sources = shortened(last)
        elif command is Command.MORE:
            answer, sources = state.next_part()
        elif command is Command.HELP:
            answer = self.help_text()
        elif command is Command.START_OVER:
            self.reset()
            answer = messages.about(self.content, "start_over")
        elif command is Command.GOODBYE:
            answer = messages.text("goodbye")
        elif command is Command.THANKS:
            answer = messages.about(self.content, "thanks")
        elif command is Command.STOP:
            answer = ""
        else:  # slower, faster, louder, quieter: the live loop applies them and says whether a limit was hit
            answer = adjustment_reply(command.value)
        return Reply(text, heard, topic, Urgency.NONE, answer, sources, 1.0, ReplyStatus.COMMAND, command)

    def help_text(self) -> str:
        return messages.help_text(self.content)

    # -- questions -----------------------------------------------------------------------------
    def _question(self, text: str) -> Reply:
        # "And behind the knee?" is the last question again, about the knee.
        said = self.router.understand(text)
        known = Context() if said.new_subject else self._state.context
        query = self.router.resolve(said, known)
        triage = self.content.lexicon["triage"]
        last_urgency = self._state.last.urgency if self._state.last else Urgency.NONE
        urgency, _signs = assess_heard(
            query.heard, query.text, triage, after_answer=self._state.context.active,
            after_advice=Urgency.NONE not in (last_urgency, self._state.reported),
            named=self.content.lexicon["kinds"]["causes"].get("factors", []), unresolved=said.text,
        )
        intents = self.content.lexicon.get("intents", {})
        if last_urgency is Urgency.NONE and intents.get(query.intent or "", {}).get("answer") == "advice":
            last_urgency = self._state.reported
        context = replace(known, urgent=last_urgency is not Urgency.NONE)
        asks_if_one = bool(any_of(query.text, triage["see-doctor"].get("is_it_one", [])))
        if keeps_urgency(urgency, last_urgency, query, intents, self.router.refers(query), asks_if_one):
            urgency = last_urgency
        happening = bool(any_of(said.text, triage["emergency"].get("happening", [])))
        told = self._signs_told(said.text)
        owned = happening or bool(any_of(said.text, triage["see-doctor"].get("has_them", []))) or told
        if happening and urgency is not Urgency.EMERGENCY and self._lungs_just_heard():
            # "I think that's happening to me right now", just after how a clot reaches the lungs.
            urgency = Urgency.EMERGENCY
        elif urgency is Urgency.NONE and (
            (owned and self._state.context.kind == "symptoms")
            or (told and self._state.context.location is not None)
        ):
            # A report: "i have all of those" after the signs; "it is red there now" of the place asked of.
            urgency = Urgency.SEE_DOCTOR
        # Someone who suspects a clot but asks nothing in particular is best served by its warning signs.
        default_kind = "symptoms" if urgency is not Urgency.NONE else None
        route = self.router.route(text, context, default_kind=default_kind, query=query)
        heard = route.query.heard
        # Asked for advice, whether or not the router then answered from a section ("should i see a doctor
        # if my calf is red and sore", just after the causes, is routed to what can be done about them).
        off = route.status not in (RouteStatus.ANSWER, RouteStatus.COMBINED)
        asks_advice = route.status == RouteStatus.ADVICE or asks_for_advice(
            route.query, intents, triage, off_subject=off, after_advice=last_urgency is not Urgency.NONE
        )
        if asks_advice and urgency is Urgency.NONE and (
            self._about_themselves(route) or describes_signs(route.query.text, triage)
            or self.router.asks_to_be_seen(route.query)
            or (route.status == RouteStatus.ADVICE and self.router.only_asks_what_to_do(route.query)
                and (not self._state.context.active or self._state.context.kind == "symptoms"))
        ):
            # "Should I go to the ER if I've got a clot in my bum", "is it worth seeing the gp for a sore
            # swollen calf": a person asking what to do about a (possible) clot gets the see-a-doctor advice,
            # as one describing it would; so does "what should i do", just after the signs.
            urgency = Urgency.SEE_DOCTOR

        if urgency is not Urgency.NONE:
            return self._urgent(text, heard, urgency, route)
        if route.status == RouteStatus.ADVICE:
            return self._advice(text, heard, route)
        reason = self._reason(text, heard, route)
        if reason is not None:
            return reason
        lost = route.status in (RouteStatus.OUT_OF_SCOPE, RouteStatus.NOT_UNDERSTOOD)
        still = self.router.still_off_subject(route.query, self._state.off_subject)
        if still is RouteStatus.OUT_OF_SCOPE or (still is RouteStatus.NOT_COVERED and lost):
            # "Which one is it" after "the articles don't cover that": still not covered, not "I can't help";
            # "how do i stop them" after a question about leg cramps: still about the cramps.
            route = replace(route, status=still)
        other = route.status == RouteStatus.OUT_OF_SCOPE and bool(route.query.foreign or route.query.unknown)
        # "What is a baker's cyst", then "how is it treated": still the cyst, another condition, not a clot.
        condition = intents.get(route.query.intent or "", {}).get("another_condition")
        kept = RouteStatus.OUT_OF_SCOPE if condition and not route.query.anchored else route.status
        self._state.off_subject = kept if other or route.status == RouteStatus.NOT_COVERED else None
        if route.status in (RouteStatus.OUT_OF_SCOPE, RouteStatus.NOT_UNDERSTOOD, RouteStatus.NOT_COVERED):
            if not heard:
                return Reply(
                    text, heard, None, urgency, messages.about(self.content, "nothing_heard"), (), 0.0,
                    ReplyStatus.NOT_UNDERSTOOD,
                )
            key = {"out-of-scope": "out_of_scope", "not-understood": "not_understood"}.get(route.status)
            message = messages.about(self.content, key) if key else messages.text("not_covered")
            return Reply(text, heard, None, urgency, message, (), route.score, ReplyStatus(route.status))

        if route.status == RouteStatus.ANSWER and self._not_said_there(
            route, self._state.context, self._state.last.answer if self._state.last else ""
        ):
            # What was asked stays what a further follow-up refers to: "and the knee again".
            self._state.context = replace(
                self._state.context, location=route.location, section=route.sections[0].id
            )
            message = messages.text("not_covered_there", **self._place_words(route.location or ""))
            return Reply(text, heard, None, urgency, message, (), route.score, ReplyStatus.NOT_COVERED)
        answer = self._answer(route, said=self._said_before(route), last=self._state.context)
        self._remember(route, answer.more, answer.titles, topic=answer.topic)
        parts = [*answer.first, messages.source_line(answer.titles), *self._closing(bool(answer.more))]
        return Reply(text, heard, answer.topic, urgency, _join(parts), tuple(answer.titles), route.score,
                     ReplyStatus(route.status))

    def _reason(self, text: str, heard: str, route: Route) -> Reply | None:
        """"Why is that" right after an answer: the sentence that gives its reason (answer/reasons.py)."""
        last = self._state.last
        if last is None or last.urgency is not Urgency.NONE or not asks_why_of_the_last(heard):
            return None
        markers = self.content.lexicon.get("reason_markers", [])
        found = reason_for(self.content, last.topic, last.answer, markers)
        if found is None:
            return None
        section, first = found
        titles = self._titles((section,))
        previous = self._state.context
        self._remember(route, [], titles, topic=section.id)
        # A follow-up after "how come" still refers to the answer it asked about ("so what should i do").
        self._state.context = replace(previous, section=section.id, kind=section.about)
        parts = [*first, messages.source_line(titles), *self._closing(False)]
        return Reply(
            text, heard, section.id, Urgency.NONE, _join(parts), tuple(titles), 1.0, ReplyStatus.ANSWER
        )

    def _closing(self, has_more: bool) -> list[str]:
        """The once-per-conversation disclaimer and, the first two times, how to hear the rest."""
        state = self._state
        parts = []
        if not state.disclaimer_given:
            parts.append(DISCLAIMER)
            state.disclaimer_given = True
        if has_more and state.hint_given < 2:
            parts.append(MORE_HINT)
            state.hint_given += 1
        return parts

    def _remember(
        self, route: Route, more: list[str], titles: list[str], source_line: str = "",
        topic: str | None = None,
    ) -> None:
        state = self._state
        state.more = list(more)
        state.more_sources = tuple(titles)
        state.more_source_line = source_line
        self._remember_context(route, topic)

    def _remember_context(self, route: Route, topic: str | None = None) -> None:
        """What a follow-up may refer to; `topic` is the section whose sentence led, if not the routed one."""
        context = self.router.context_after(route, self._state.context)
        if topic and context.section and topic != context.section and not topic.startswith("general."):
            section = self.content.section(topic)
            context = replace(context, section=topic, kind=section.about)
        self._state.context = context

    # -- urgent advice -------------------------------------------------------------------------
    def _urgent(self, text: str, heard: str, urgency: Urgency, route: Route) -> Reply:
        """Advice first. An emergency answer is the instruction, the document's one sentence of why, and what
        "more" will add (at most 45 words): nothing may stand between the person and the phone."""
        advice_sources = list(self._urgent_sources(urgency))
        advice = self._urgent_text(urgency)
        answered = route.status in (RouteStatus.ANSWER, RouteStatus.COMBINED)
        room = (
            FIRST_ANSWER_WORDS if urgency is Urgency.EMERGENCY else _SEE_DOCTOR_MAX_WORDS - words_in(advice)
        )
        said = frozenset(a.text for a in self.content.urgent[urgency.value])
        answer = self._answer(route, room, said, self._state.context) if answered else None
        if route.status == RouteStatus.ADVICE:
            # "What should I do, my calf is swollen": the advice is the answer, and then the next step.
            answer = None
        sources = tuple(dict.fromkeys([*advice_sources, *(answer.titles if answer else [])]))
        topic = answer.topic if answer else None
        status = ReplyStatus(route.status) if answer else ReplyStatus.URGENT
        if urgency is Urgency.EMERGENCY:
            parts = [advice]
            if answer:
                parts.append(messages.text("say_more_for", topic=self.content.kind_label(route.kind)))
                self._remember(route, [*answer.first, *answer.more], answer.titles,
                               messages.source_line(answer.titles), topic=answer.topic)
            else:
                self._remember_context(route)
            return Reply(text, heard, topic, urgency, _join(parts), sources, route.score, status)
        # See a doctor: the advice, then the answering sentence if it fits.
        parts = [advice]
        if answer is None:
            self._remember_context(route)
            if route.status == RouteStatus.ADVICE:
                own = self._place_advice(route, advice_sources, self._state.context.section)
                if own:
                    parts.append(own[0])
                    advice_sources = list(dict.fromkeys([*advice_sources, own[1]]))
                    sources = tuple(advice_sources)
                parts.append(messages.next_after_see_doctor(self.emergency_number))
            parts += [messages.source_line(advice_sources), *self._closing(False)]
            return Reply(text, heard, topic, urgency, _join(parts), sources, route.score, status)
        more = list(answer.more)
        said_sources = advice_sources
        asked = (heard.split()[:1] and heard.split()[0] in QUESTION_OPENERS) or route.query.explicit_kind
        limit = _SEE_DOCTOR_QUESTION_MAX_WORDS if asked else _SEE_DOCTOR_MAX_WORDS
        if words_in(advice) + sum(words_in(s) for s in answer.first) <= limit:
            parts += answer.first
            said_sources = list(sources)
            self._remember(route, more, answer.titles, topic=answer.topic)
        else:
            parts.append(messages.text("say_more_for", topic=self.content.kind_label(route.kind)))
            more = [*answer.first, *more]
            self._remember(
                route, more, answer.titles, messages.source_line(answer.titles), topic=answer.topic
            )
        parts += [messages.source_line(said_sources), *self._closing(bool(more))]
        return Reply(text, heard, topic, urgency, _join(parts), sources, route.score, status)

    def _said_before(self, route: Route) -> frozenset[str]:
        """"What other scans might they do" after the D-dimer test: the last answer's sentences about what it
        was asked about (the D-dimer), which this question asks past."""
        last, terms = self._state.last, set(self._state.context.terms)
        if last is None or not terms or not any_of(
            route.query.heard, self.content.lexicon.get("other_words", [])
        ):
            return frozenset()
        return frozenset(
            s for sec in self.content.sections for s in sec.sentences
            if s in last.answer and terms & set(messages_norm(s).split())
        )

    def _signs_told(self, text: str) -> bool:
        """Signs told, not asked: of the place just talked about ("a lump there", "gone red there now"), or
        said to have lasted ("aching for a week"; "the redness can last weeks" says what signs do)."""
        triage, words = self.content.lexicon["triage"], text.split()
        doctor = triage["see-doctor"]
        there = "there" in words and ("now" in words or bool(any_of(text, doctor["personal"])))
        lasted = bool(_LASTED & set(words)) and bool(any_of(text, doctor["lasting"]))
        told = bool(words) and words[0] not in QUESTION_OPENERS
        return told and reports_signs(text, triage) and (there or lasted)

    def _lungs_just_heard(self) -> bool:
        last = self._state.last
        conditions = self.content.lexicon["triage"]["emergency"]["conditions"]
        return last is not None and bool(any_of(messages_norm(last.answer), conditions))

    def _about_themselves(self, route: Route) -> bool:
        q, triage = route.query, self.content.lexicon["triage"]
        # Their own body ("a clot in my bum", "mine's been red for days" of the place just asked about, the
        # signs just heard: "what should i do if i've got those", or whatever was just heard said to be
        # theirs: "mine has been like that for days"), or a clot they (may) have; not what to do about a
        # medicine ("i'm on tablets that might cause clots").
        here = q.location is not None or (route.location is not None and reports_signs(q.text, triage)) or (
            self._state.context.kind == "symptoms" and self.router.refers(q)) or (
            self._state.context.active and bool(any_of(q.text, triage["see-doctor"].get("has_them", []))))
        return (here or suspects(q.text, triage)) and bool(any_of(q.text, triage["see-doctor"]["personal"]))

    def _advice(self, text: str, heard: str, route: Route) -> Reply:
        """"What should I do", "should I go to the ER". Right after urgent advice: that advice again and the
        next step. Otherwise the documents' own "seek medical attention" sentence, for the place asked
        about."""
        last = self._state.last
        urgent_last = last is not None and last.urgency is not Urgency.NONE
        urgency = last.urgency if urgent_last else self._state.reported
        if urgency is not Urgency.NONE:
            parts = [self._urgent_text(urgency)]
            if urgency is Urgency.SEE_DOCTOR:
                parts.append(messages.next_after_see_doctor(self.emergency_number))
            sources = self._urgent_sources(urgency)
            return Reply(text, heard, last.topic if last else None, urgency, _join(parts), sources, 1.0,
                         ReplyStatus.ADVICE)
        section, index = self._advice_sentence(route, self._state.context.section)
        titles = self._titles((section,))
        parts = [section.sentences[index], messages.source_line(titles), *self._closing(False)]
        self._remember(route, [], titles)
        return Reply(text, heard, section.id, Urgency.NONE, _join(parts), tuple(titles), 1.0,
                     ReplyStatus.ADVICE)

    def _urgent_text(self, urgency: Urgency) -> str:
        if urgency is Urgency.NONE:
            return ""
        advice = " ".join(a.text for a in self.content.urgent[urgency.value])
        return f"{self._instruction(urgency)} {advice}"

    def _instruction(self, urgency: Urgency) -> str:
        if urgency is Urgency.EMERGENCY:
            return emergency_instruction(self.emergency_number)
        return messages.text("see_doctor")

    def _urgent_sources(self, urgency: Urgency) -> tuple[str, ...]:
        if urgency is Urgency.NONE:
            return ()
        return tuple(dict.fromkeys(
            self.content.documents[a.document].title for a in self.content.urgent[urgency.value]
        ))



def _join(parts: list[str]) -> str:
    return " ".join(p for p in parts if p)


__all__ = ["DISCLAIMER", "MORE_HINT", "Choice", "Conversation", "Reply", "emergency_instruction"]
