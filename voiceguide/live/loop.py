"""The live assistant: audio in -> end of utterance -> text -> Conversation -> sentences -> audio out.

Data flows one way. One thread walks the input chunks and feeds each one to the turn-taking state machine
(voiceguide/live/turn.py: voice detection, endpointing, barge-in, the idle clock); this module only wires what
it decides to the recognizer, the conversation, the screen and the player, which plays answers sentence by
sentence on a second thread (voiceguide/live/player.py), so rendering and playback never hold up listening.
The loop only ever sees an AudioInput and an AudioOutput, so a microphone/speaker run and a file-backed run
execute exactly the same code here.

Time inside the loop is the input's audio clock (seconds of audio consumed), not the wall clock, so a
recording fed faster than real time keeps the same behaviour (that is what makes a "fast clock" test of a
120 s idle timeout possible without waiting). A key press (Enter or space on a terminal) always stops an
answer at once, and "stop"/"cancel" are always obeyed, even in wake-phrase mode.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from voiceguide.answer import messages
from voiceguide.answer.commands import Command
from voiceguide.answer.conversation import Conversation, Reply
from voiceguide.answer.triage import Urgency
from voiceguide.live.early_decode import EarlyDecoder, sounds_finished
from voiceguide.live.events import EventKind, EventSink, LoopEvent, no_events
from voiceguide.live.native_memory import tune_for_long_run
from voiceguide.live.player import AnswerPlayer
from voiceguide.live.transcript_log import TranscriptLog
from voiceguide.live.turn import Frame, Step, TurnEvent, TurnOptions, TurnOutcome, TurnTaker, Utterance
from voiceguide.live.wake_phrase import match_wake_phrase
from voiceguide.speech.audio import Audio
from voiceguide.speech.earcons import earcon
from voiceguide.speech.settings import ADJUSTMENTS, adjustment_feedback, apply_spoken_adjustment

log = logging.getLogger(__name__)



def welcome_text(push_to_talk: bool, wake_phrase: str | None, content: Any = None) -> str:
    """The spoken welcome (content/messages.yaml), naming what the documents are about: `content` is the
    conversation's compiled content, the installed one when not given."""
    from voiceguide.content.content_model import load_content

    return messages.welcome(content if content is not None else load_content(), push_to_talk, wake_phrase)


def __getattr__(name: str) -> str:
    """WELCOME and WELCOME_PUSH_TO_TALK as said with the installed content (built on use, not at import)."""
    if name == "WELCOME":
        return welcome_text(False, None)
    if name == "WELCOME_PUSH_TO_TALK":
        return welcome_text(True, None)
    raise AttributeError(name)


# ---------------------------------------------------------------------------------------------- seams


class Recognizer(Protocol):
    name: str
    sample_rate: int

    def transcribe(self, audio: Audio) -> Any: ...  # a voiceguide.speech.asr.base.Transcript


class KeySource(Protocol):
    def poll(self) -> list[str]:
        """Keys pressed since the last call (never blocks)."""


@dataclass
class LoopOptions(TurnOptions):
    """How a session runs; the turn-taking timings are TurnOptions' (voiceguide/live/turn.py)."""

    wake_phrase: str | None = None
    kiosk: bool = False
    welcome: bool = True
    cue_after_answer: bool = True  # the "listening" tone after each answer in hands-free mode
    settings_dir: Path | None = None  # where spoken rate/volume changes are remembered (None: user config)


@dataclass
class Turn:
    """One thing a person said and what VoiceGuide did about it (kept in memory only, for figures/tests)."""

    heard: str
    reply: Reply | None
    label: str | None  # the clip label prefix of the spoken answer, None when nothing was said
    speech_end_wall: float  # time.monotonic() when the last voiced chunk was processed
    endpoint_wall: float  # time.monotonic() when the end of the utterance was decided
    said: str = ""
    barged_in: bool = False


KIOSK_TURNS_KEPT = 100  # a kiosk's single run would otherwise hold every turn of weeks (0.7 KB each)


@dataclass
class LoopResult:
    reason: str  # "input-ended" | "goodbye"
    turns: list[Turn] = field(default_factory=list)
    barge_ins: int = 0
    idle_resets: int = 0
    ready_wall: float = 0.0


# ---------------------------------------------------------------------------------------------- the loop


class AssistantLoop:
    def __init__(self, conversation: Conversation, recognizer: Recognizer, renderer: Any,
                 options: LoopOptions | None = None, *, captions: Callable[[str], None] | None = None,
                 transcript_log: TranscriptLog | None = None, keys: KeySource | None = None,
                 events: EventSink | None = None) -> None:
        tune_for_long_run()  # a kiosk's loop runs for weeks: see voiceguide/live/native_memory.py
        self.conversation = conversation
        self.recognizer = recognizer
        self.renderer = renderer
        self.options = options or LoopOptions()
        self.captions = captions or (lambda line: print(line, flush=True))
        self.events = events or no_events  # typed events for a screen (voiceguide/live/events.py)
        self.transcript_log = transcript_log
        self.keys = keys
        self.player: AnswerPlayer | None = None
        self._answers = 0

    # -- what other parts may ask --------------------------------------------------------------
    @property
    def is_speaking(self) -> bool:
        """True from the moment an answer is decided until its last sample (and cue) has played."""
        return self.player is not None and self.player.busy

    # -- one session on one pair of devices ----------------------------------------------------
    def run(self, audio_in: Any, audio_out: Any) -> LoopResult:
        opts = self.options
        result = LoopResult("input-ended")
        taker = TurnTaker(opts, audio_in.sample_rate, audio_in.chunk_samples, playing=opts.welcome)
        # The words are the whole utterance's transcript, the one a batch run gets, so a live session hears
        # as well as a recorded-audio run (a recognizer reads a whole utterance at once). EarlyDecoder gets it
        # sooner: Whisper decodes from the first pause, overlapping the end-of-utterance wait; Vosk, which
        # loses nothing by it, while the person speaks. No recognizer decodes for endpointing: that CPU is
        # better spent on the words.
        early = EarlyDecoder(self.recognizer, audio_in.sample_rate)
        player = self.player = AnswerPlayer(self.renderer, audio_out, self.captions, self._player_error,
                                            self.events)
        if opts.welcome:
            text = welcome_text(opts.push_to_talk, opts.wake_phrase, self.conversation.content)
            self.events(LoopEvent(EventKind.ANSWER, text, sentences=_sentences(text), label="welcome"))
            player.say(text, "welcome", cue_after=not opts.push_to_talk)
        result.ready_wall = time.monotonic()
        self.captions("Ready." + (" Press Enter or space to talk." if opts.push_to_talk else " Listening."))
        self.events(LoopEvent(EventKind.READY, push_to_talk=opts.push_to_talk,
                              wake_phrase=opts.wake_phrase or ""))

        speech_end_wall = 0.0  # time.monotonic() when the last voiced chunk was processed
        try:
            for chunk in audio_in.chunks():
                step = taker.feed(Frame(chunk, playing=player.busy, key_pressed=self._key_pressed()))
                self._react(step, result)
                if TurnEvent.SPEECH_STARTED in step.events or TurnEvent.BARGE_IN in step.events:
                    early.begin()
                for captured in step.new_audio:
                    early.feed(captured)
                if step.speech_heard:
                    speech_end_wall = time.monotonic()
                if TurnEvent.PAUSED in step.events:
                    early.pause(taker.captured)
                if TurnEvent.JUDGE_PAUSE in step.events:
                    heard = early.heard_so_far(taker.voiced_until)
                    step = taker.judge_pause(heard is not None and sounds_finished(heard))
                if step.utterance is not None and self._answer(step.utterance, taker, early, speech_end_wall,
                                                               result):
                    result.reason = "goodbye"
                    break
            else:
                utterance = taker.input_ended()
                if utterance is not None and self._answer(utterance, taker, early, speech_end_wall, result):
                    result.reason = "goodbye"
        finally:
            early.close()
            # the run ends when the input has ended and the last answer has been spoken
            player.wait()
            player.close()
        return result

    def _key_pressed(self) -> bool:
        return self.keys is not None and any(key in ("\n", "\r", " ") for key in self.keys.poll())

    def _react(self, step: Step, result: LoopResult) -> None:
        """What the person hears and sees of a step (the recognizer's part is run()'s)."""
        opts = self.options
        assert self.player is not None
        for event in step.events:
            if event is TurnEvent.NOW_WAITING_FOR_KEY:
                self.events(LoopEvent(EventKind.IDLE, push_to_talk=True))
            elif event in (TurnEvent.NOW_LISTENING, TurnEvent.NOW_LISTENING_ENGAGED):
                wake = "" if event is TurnEvent.NOW_LISTENING_ENGAGED else opts.wake_phrase or ""
                self.events(LoopEvent(EventKind.LISTENING, wake_phrase=wake))
            elif event is TurnEvent.KEY_STOP:
                if self.player.stop():
                    result.barge_ins += 1
                    self.captions("(Stopped.)")
                    self.events(LoopEvent(EventKind.STOPPED))
            elif event is TurnEvent.ARMED:
                self.player.tone("listening")
            elif event is TurnEvent.BARGE_IN:
                self.player.stop()
                result.barge_ins += 1
                self.captions("(Stopped: you started speaking.)")
                self.events(LoopEvent(EventKind.STOPPED))
            elif event is TurnEvent.IDLE_RESET:
                self.conversation.reset()
                result.idle_resets += 1
                self.captions(f"(No one has spoken for {opts.idle_timeout:g} seconds: starting fresh.)")
                self.events(LoopEvent(EventKind.RESET))
                log.info("idle timeout: conversation reset")

    def _answer(self, utterance: Utterance, taker: TurnTaker, early: EarlyDecoder, speech_end_wall: float,
                result: LoopResult) -> bool:
        """Decodes and answers an utterance that has ended; True when the person said goodbye (on a kiosk,
        goodbye only forgets the conversation)."""
        endpoint_wall = time.monotonic()
        transcript = early.finish(list(utterance.chunks), utterance.voiced_until)
        text = " ".join(str(getattr(transcript, "text", "") or "").split())
        turn = self._respond(text, engaged=utterance.engaged, speech_end_wall=speech_end_wall,
                             endpoint_wall=endpoint_wall)
        turn.barged_in = utterance.barged_in
        if turn.heard or turn.reply is not None:
            result.turns.append(turn)
            if self.options.kiosk:  # one run lasts weeks: keep recent turns only
                del result.turns[:-KIOSK_TURNS_KEPT]
        outcome = TurnOutcome.WAKE if turn.label == "wake" else TurnOutcome.NOTHING
        ending = False
        if turn.reply is not None:
            outcome = TurnOutcome.ANSWERED
            if turn.reply.command is Command.GOODBYE:
                if self.options.kiosk:
                    self.conversation.reset()
                    outcome = TurnOutcome.FORGOTTEN
                else:
                    ending = True
        assert self.player is not None
        taker.end_turn(outcome, playing=self.player.busy)
        return ending

    # -- one utterance -------------------------------------------------------------------------
    def _respond(self, text: str, *, engaged: bool, speech_end_wall: float, endpoint_wall: float) -> Turn:
        opts = self.options
        assert self.player is not None
        turn = Turn(text, None, None, speech_end_wall, endpoint_wall)
        if opts.wake_phrase and not engaged:
            said_wake, rest = match_wake_phrase(text, opts.wake_phrase)
            from voiceguide.answer.commands import parse_command

            # A warning sign is answered without the wake phrase (the emergency advice comes first in the
            # reply); "stop" is always obeyed; anything else without the wake phrase is not for us.
            if (not said_wake and parse_command(text) is not Command.STOP
                    and self.conversation.urgency(text) is not Urgency.EMERGENCY):
                log.debug("no wake phrase; ignored")
                return Turn("", None, None, speech_end_wall, endpoint_wall)
            if said_wake:
                text = rest
                if not text:
                    self.captions(f"Heard: {opts.wake_phrase}")
                    self.events(LoopEvent(EventKind.HEARD, opts.wake_phrase))
                    self.player.tone("listening")
                    turn.heard, turn.label = opts.wake_phrase, "wake"
                    return turn
        if not text:
            if opts.push_to_talk or engaged:
                self.captions("Heard: (nothing I could make out)")
                self.events(LoopEvent(EventKind.NOT_CAUGHT))
                self.player.tone("not_understood")
            return turn
        self.captions(f"Heard: {text}")
        self.events(LoopEvent(EventKind.HEARD, text))
        turn.heard = text
        try:
            reply = self.conversation.handle(text)
        except Exception as exc:
            self._spoken_error(exc)
            return turn
        turn.reply = reply
        if self.transcript_log is not None:
            try:
                self.transcript_log.write(text, reply)
            except OSError as exc:
                log.error("could not write the transcript log: %s", exc)
                self.captions(f"(The transcript log was not written: {exc})")
        answer, tone = reply.answer, "got_it"
        if reply.command is Command.STOP:
            self.player.stop()
            self.events(LoopEvent(EventKind.STOPPED))
            return turn
        if reply.command is not None and reply.command.value in ADJUSTMENTS:
            answer = self._adjust(reply.command.value)
        elif reply.status == "not-understood":
            tone = "not_understood"
        if answer:
            self._answers += 1
            turn.label, turn.said = f"answer-{self._answers}", answer
            self.player.stop()  # a new answer replaces whatever was still playing
            cue = opts.cue_after_answer and not opts.push_to_talk and not opts.wake_phrase
            self.events(LoopEvent(EventKind.ANSWER, answer, sentences=_sentences(answer), label=turn.label,
                                  urgency=reply.urgency.value, status=reply.status))
            self.player.say(answer, turn.label, earcon_before=tone, cue_after=cue)
        return turn

    def _adjust(self, word: str) -> str:
        before = self.renderer.settings
        try:
            after = apply_spoken_adjustment(word, before, self.options.settings_dir)
        except OSError as exc:  # cannot remember it, but can still change it for now
            log.error("could not save speech settings: %s", exc)
            from voiceguide.speech.settings import adjust

            after = adjust(before, word)
        self.renderer.settings = after
        return adjustment_feedback(before, after, word)

    def _spoken_error(self, exc: BaseException) -> None:
        log.error("error while answering: %s: %s", type(exc).__name__, exc)
        log.debug("details", exc_info=exc)
        self.captions("(Something went wrong; see the log.)")
        self.events(LoopEvent(EventKind.ERROR, messages.text("something_went_wrong")))
        assert self.player is not None
        self.player.say(messages.text("something_went_wrong"), "error", earcon_before="error")

    def _player_error(self, exc: BaseException) -> None:
        log.error("could not speak: %s: %s", type(exc).__name__, exc)
        log.debug("details", exc_info=exc)
        self.captions(f"(Could not speak: {exc})")
        self.events(LoopEvent(EventKind.ERROR, f"Could not speak: {exc}"))
        if self.player is not None:
            with contextlib.suppress(Exception):
                self.player.output.play(earcon("error"), "earcon:error")


def _sentences(text: str) -> tuple[str, ...]:
    """The sentences the player will say one by one (and report by index)."""
    from voiceguide.speech.tts import spoken_sentences

    return tuple(spoken_sentences(text))
