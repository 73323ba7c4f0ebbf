"""The live assistant: audio in -> end of utterance -> text -> Conversation -> sentences -> audio out.

Data flows one way. One thread walks the input chunks (it owns endpointing, barge-in, the idle clock and
every decision); a second thread plays answers sentence by sentence, so rendering and playback never hold up
listening. The loop only ever sees an AudioInput and an AudioOutput, so a microphone/speaker run and a
file-backed run execute exactly the same code here.

Time inside the loop is the input's audio clock (seconds of audio consumed), not the wall clock: idle timeouts,
pre-roll and end-of-speech silence are all counted in audio, so a recording fed faster than real time keeps the
same behaviour (that is what makes a "fast clock" test of a 120 s idle timeout possible without waiting).

Barge-in policy (why it is not "any speech stops the answer"): with a real speaker and no echo canceller, the
microphone hears VoiceGuide's own voice, which a voice activity detector rightly calls speech. So while an
answer plays, the loop learns the level it hears from the speaker (the median input level over the last three
seconds of playback) and an interruption needs *sustained* speech: voiced frames covering at least 180 ms of
the last 300 ms (a short "stop" has about 200 ms of voicing), each clearly louder than that echo level (2x, i.e. +6 dB) and above an absolute floor. A
person speaking up near the device passes; the speaker's own echo, a cough or a clatter does not. A key press
(Enter or space on a terminal) always stops an answer at once, and "stop"/"cancel" are always obeyed, even in
wake-phrase mode. The speech that interrupted is not lost: the 0.6 s of pre-roll before the trigger is handed
to the recognizer, so "stop" or the next question said over an answer is heard whole.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voiceguide.audio import Audio
from voiceguide.commands import Command
from voiceguide.conversation import Conversation, Reply
from voiceguide.earcons import earcon
from voiceguide.early_decode import EarlyDecoder, sounds_finished
from voiceguide.live_events import EventKind, EventSink, LoopEvent, no_events
from voiceguide.player import AnswerPlayer
from voiceguide.speech_settings import ADJUSTMENTS, adjustment_feedback, apply_spoken_adjustment
from voiceguide.transcript_log import TranscriptLog
from voiceguide.triage import Urgency
from voiceguide.wake_phrase import match_wake_phrase

log = logging.getLogger(__name__)

ERROR_SPOKEN = "Sorry, something went wrong on my side. Please ask again."


def welcome_text(push_to_talk: bool, wake_phrase: str | None, content: Any = None) -> str:
    """The spoken welcome (content/messages.yaml), naming what the documents are about: `content` is the
    conversation's compiled content, the installed one when not given."""
    from voiceguide import messages
    from voiceguide.content_model import load_content

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

    def transcribe(self, audio: Audio) -> Any: ...  # a voiceguide.asr.base.Transcript


class KeySource(Protocol):
    def poll(self) -> list[str]:
        """Keys pressed since the last call (never blocks)."""


@dataclass
class LoopOptions:
    push_to_talk: bool = False
    wake_phrase: str | None = None
    kiosk: bool = False
    idle_timeout: float | None = None  # seconds of audio; None: never
    welcome: bool = True
    barge_in: bool = True
    end_silence: float = 0.6  # trailing non-speech that ends an utterance (one that may not be finished)
    early_decode_after: float = 0.1  # a pause this long starts decoding what was said so far (see early_decode)
    end_silence_finished: float = 0.3  # ...and this much ends it, if what was said so far sounds finished
    max_utterance: float = 15.0
    listen_window: float = 8.0  # after a key press or the wake phrase alone: how long to wait for speech
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


@dataclass
class LoopResult:
    reason: str  # "input-ended" | "goodbye"
    turns: list[Turn] = field(default_factory=list)
    barge_ins: int = 0
    idle_resets: int = 0
    ready_wall: float = 0.0


# ---------------------------------------------------------------------------------------------- speech gate


class SpeechGate:
    """webrtcvad on 10/20/30 ms frames, plus the chunk's level; the one judge of "is someone talking"."""

    FLOOR_RMS = 250.0  # int16 units, about -42 dBFS: below this nothing counts as speech

    def __init__(self, sample_rate: int = 16000, aggressiveness: int = 2) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(aggressiveness)
        self.sample_rate = sample_rate

    def frame(self, chunk: np.ndarray) -> tuple[bool, float]:
        pcm = np.asarray(chunk, dtype=np.int16)
        rms = float(np.sqrt(np.mean(pcm.astype(np.float64) ** 2))) if len(pcm) else 0.0
        if rms < self.FLOOR_RMS:
            return False, rms
        step = self.sample_rate * 10 // 1000
        usable = len(pcm) - len(pcm) % step
        frame_len = next((n for n in (3 * step, 2 * step, step) if usable and usable % n == 0), step)
        votes = [self._vad.is_speech(pcm[i : i + frame_len].tobytes(), self.sample_rate)
                 for i in range(0, usable, frame_len)]
        return bool(votes) and sum(votes) * 2 >= len(votes), rms


class EndOfSpeech:
    """pocketsphinx's Endpointer: a voice activity detector that calls speech over once less than a tenth of
    the last 0.3 s was voiced. Unlike a bare silence count it is not held open by the odd voiced frame that
    room noise produces (measured: in kitchen noise at 10 dB two questions a second apart ran together with the
    count alone). It is a detector only; nothing is decoded here."""

    def __init__(self, sample_rate: int) -> None:
        import pocketsphinx

        self._endpointer_type = pocketsphinx.Endpointer
        self.window = float(pocketsphinx.Endpointer.DEFAULT_WINDOW)  # how far behind the audio its verdict is
        self.sample_rate = sample_rate
        self.reset()

    def reset(self) -> None:
        self._endpointer = self._endpointer_type(sample_rate=self.sample_rate)
        self._pending = b""
        self._heard_speech = False
        self.quiet_for = 0.0  # seconds since the endpointer last called speech over (0 while in speech)

    def accept(self, chunk: np.ndarray) -> bool:
        """True while speech, having started, is over (it may start again: then False once more)."""
        self._pending += np.asarray(chunk, dtype=np.int16).tobytes()
        size = self._endpointer.frame_bytes
        while len(self._pending) >= size:
            frame, self._pending = self._pending[:size], self._pending[size:]
            self._endpointer.process(frame)
            if self._endpointer.in_speech:
                self._heard_speech = True
                self.quiet_for = 0.0
            elif self._heard_speech:
                self.quiet_for += self._endpointer.frame_length
        return self._heard_speech and not self._endpointer.in_speech


class BargeInDetector:
    """Sustained speech clearly above the echo of our own voice (see the module docstring)."""

    def __init__(self, chunk_seconds: float, window: float = 0.3, needed: float = 0.18,
                 echo_factor: float = 2.0, history_seconds: float = 3.0) -> None:
        self.window = max(1, round(window / chunk_seconds))
        self.needed = max(1, round(needed / chunk_seconds))
        self.echo_factor = echo_factor
        self._recent: collections.deque[bool] = collections.deque(maxlen=self.window)
        self._levels: collections.deque[float] = collections.deque(maxlen=max(1, round(history_seconds / chunk_seconds)))

    def reset(self) -> None:
        self._recent.clear()
        self._levels.clear()

    def update(self, voiced: bool, rms: float) -> bool:
        echo = float(np.median(self._levels)) if self._levels else 0.0
        loud = voiced and rms >= max(SpeechGate.FLOOR_RMS, self.echo_factor * echo)
        self._recent.append(loud)
        self._levels.append(rms)
        return sum(self._recent) >= self.needed


# ---------------------------------------------------------------------------------------------- the loop


class AssistantLoop:
    def __init__(self, conversation: Conversation, recognizer: Recognizer, renderer: Any,
                 options: LoopOptions | None = None, *, captions: Callable[[str], None] | None = None,
                 transcript_log: TranscriptLog | None = None, keys: KeySource | None = None,
                 events: EventSink | None = None) -> None:
        self.conversation = conversation
        self.recognizer = recognizer
        self.renderer = renderer
        self.options = options or LoopOptions()
        self.captions = captions or (lambda line: print(line, flush=True))
        self.events = events or no_events  # typed events for a screen (voiceguide/live_events.py)
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
        gate = SpeechGate(audio_in.sample_rate)
        chunk_s = audio_in.chunk_samples / audio_in.sample_rate
        barge = BargeInDetector(chunk_s)
        pre_roll: collections.deque[np.ndarray] = collections.deque(maxlen=max(1, round(0.6 / chunk_s)))
        onset: collections.deque[bool] = collections.deque(maxlen=4)
        # Utterances end at a pause: pocketsphinx's endpointer or the loop's own silence count, whichever comes
        # first, and sooner when what was said so far sounds finished. The words are the whole utterance's
        # transcript, the one a batch run gets, so a live session hears as well as a recorded-audio run (a
        # recognizer reads a whole utterance at once). EarlyDecoder gets it sooner: Whisper decodes from the
        # first pause, overlapping the end-of-utterance wait; Vosk, which loses nothing by it, while the person
        # speaks. No recognizer decodes for endpointing: that CPU is better spent on the words.
        end_of_speech = EndOfSpeech(audio_in.sample_rate)
        early = EarlyDecoder(self.recognizer, audio_in.sample_rate)
        captured_chunks: list[np.ndarray] = []
        captured_samples = 0
        voiced_until = 0  # samples of the capture up to the end of its last voiced chunk
        judged = False  # this pause's early transcript has been judged finished or not
        player = self.player = AnswerPlayer(self.renderer, audio_out, self.captions, self._player_error,
                                            self.events)

        clock = 0.0
        capturing = False
        captured = 0.0
        silence = 0.0
        speech_end_wall = 0.0
        last_activity = 0.0
        quiet_since = 0.0
        armed_until = -1.0  # push-to-talk / wake phrase alone: speech is taken until this audio time
        engaged = False  # interrupted an answer or said the wake phrase: next utterance needs no wake phrase
        dirty = False  # the conversation holds something of the current person
        ending = False
        interrupted = False
        was_speaking = opts.welcome  # told once each time speech ends (an unpaced input has no chunk during it)

        def begin_capture() -> None:
            nonlocal capturing, captured, silence, captured_samples, voiced_until, judged
            early.begin()
            end_of_speech.reset()
            capturing, captured, silence, judged = True, 0.0, 0.0, False
            captured_chunks[:] = list(pre_roll)
            captured_samples = voiced_until = sum(len(c) for c in captured_chunks)
            for earlier in pre_roll:
                end_of_speech.accept(earlier)
                early.feed(earlier)

        def finish_capture() -> None:
            nonlocal capturing, engaged, dirty, ending, last_activity, armed_until, interrupted, was_speaking
            capturing = False
            endpoint_wall = time.monotonic()
            transcript = early.finish(captured_chunks, voiced_until)
            captured_chunks.clear()
            text = " ".join(str(getattr(transcript, "text", "") or "").split())
            turn = self._respond(text, engaged=engaged or armed_until >= clock, speech_end_wall=speech_end_wall,
                                 endpoint_wall=endpoint_wall)
            turn.barged_in = interrupted
            interrupted = False
            was_speaking = was_speaking or player.busy
            if turn.heard or turn.reply is not None:
                result.turns.append(turn)
            engaged = turn.label == "wake"
            armed_until = clock + opts.listen_window if engaged else -1.0
            if turn.reply is not None:
                dirty = True
                if turn.reply.command is Command.GOODBYE:
                    if opts.kiosk:
                        self.conversation.reset()
                        dirty = False
                    else:
                        ending = True
            last_activity = clock

        if opts.welcome:
            text = welcome_text(opts.push_to_talk, opts.wake_phrase, self.conversation.content)
            self.events(LoopEvent(EventKind.ANSWER, text, sentences=_sentences(text), label="welcome"))
            player.say(text, "welcome", cue_after=not opts.push_to_talk)
        result.ready_wall = time.monotonic()
        self.captions("Ready." + (" Press Enter or space to talk." if opts.push_to_talk else " Listening."))
        self.events(LoopEvent(EventKind.READY, push_to_talk=opts.push_to_talk, wake_phrase=opts.wake_phrase or ""))

        try:
            for chunk in audio_in.chunks():
                clock += chunk_s
                voiced, rms = gate.frame(chunk)
                pre_roll.append(chunk)
                speaking = player.busy
                if speaking:
                    last_activity = quiet_since = clock
                    was_speaking = True
                elif was_speaking:
                    self._waiting(armed=engaged or armed_until >= clock)
                    was_speaking = False

                for key in self.keys.poll() if self.keys is not None else []:
                    if key not in ("\n", "\r", " "):
                        continue
                    if speaking and player.stop():
                        result.barge_ins += 1
                        speaking = False
                        self.captions("(Stopped.)")
                        self.events(LoopEvent(EventKind.STOPPED))
                    if capturing:
                        finish_capture()
                    elif opts.push_to_talk:
                        armed_until = clock + opts.listen_window
                        player.tone("listening")
                        speaking = was_speaking = True  # let the tone play before taking speech

                if capturing:
                    captured_chunks.append(chunk)
                    captured_samples += len(chunk)
                    early.feed(chunk)
                    paused = end_of_speech.accept(chunk)
                    captured += chunk_s
                    if voiced:
                        silence = 0.0
                        speech_end_wall = time.monotonic()
                        voiced_until = captured_samples
                        judged = False
                    else:
                        silence += chunk_s
                        if silence >= opts.early_decode_after and silence - chunk_s < opts.early_decode_after:
                            early.pause(captured_chunks)
                    # A pause ends the utterance early when what was said so far reads as a whole question
                    # (judged once per pause, on the early decode); after "... in my" the full end_silence
                    # is waited, by the silence count or by the endpointer (which lags by its window).
                    ended = False
                    if not judged and not voiced and (paused or silence >= opts.end_silence_finished):
                        judged = True
                        heard_early = early.heard_so_far(voiced_until)
                        ended = heard_early is not None and sounds_finished(heard_early)
                    if end_of_speech.quiet_for >= opts.end_silence - end_of_speech.window:
                        ended = True
                    if ended or silence >= opts.end_silence or captured >= opts.max_utterance:
                        finish_capture()
                        onset.clear()
                        if ending:
                            break
                    continue

                if speaking:
                    onset.clear()
                    if opts.barge_in and barge.update(voiced, rms):
                        player.stop()
                        barge.reset()
                        result.barge_ins += 1
                        interrupted = True
                        self.captions("(Stopped: you started speaking.)")
                        self.events(LoopEvent(EventKind.STOPPED))
                        engaged = True
                        begin_capture()
                        speech_end_wall = time.monotonic()
                    continue
                barge.reset()

                if clock - quiet_since < 0.25:  # the room's echo of our last sound
                    continue
                if (opts.idle_timeout and dirty and clock - last_activity >= opts.idle_timeout):
                    self.conversation.reset()
                    dirty = False
                    result.idle_resets += 1
                    self.captions(f"(No one has spoken for {opts.idle_timeout:g} seconds: starting fresh.)")
                    self.events(LoopEvent(EventKind.RESET))
                    log.info("idle timeout: conversation reset")
                if opts.push_to_talk and armed_until < clock:
                    continue
                onset.append(voiced)
                if sum(onset) >= 3:
                    onset.clear()
                    begin_capture()
                    speech_end_wall = time.monotonic()
            else:
                if capturing:
                    finish_capture()
        finally:
            early.close()
            # the run ends when the input has ended and the last answer has been spoken
            player.wait()
            player.close()
        if ending:
            result.reason = "goodbye"
        return result

    # -- one utterance -------------------------------------------------------------------------
    def _respond(self, text: str, *, engaged: bool, speech_end_wall: float, endpoint_wall: float) -> Turn:
        opts = self.options
        assert self.player is not None
        turn = Turn(text, None, None, speech_end_wall, endpoint_wall)
        if opts.wake_phrase and not engaged:
            said_wake, rest = match_wake_phrase(text, opts.wake_phrase)
            from voiceguide.commands import parse_command

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

    def _waiting(self, armed: bool) -> None:
        """Told once each time speech ends: whether the loop now takes speech or waits for the key."""
        opts = self.options
        if opts.push_to_talk and not armed:
            self.events(LoopEvent(EventKind.IDLE, push_to_talk=True))
        else:
            self.events(LoopEvent(EventKind.LISTENING, wake_phrase="" if armed else opts.wake_phrase or ""))

    def _adjust(self, word: str) -> str:
        before = self.renderer.settings
        try:
            after = apply_spoken_adjustment(word, before, self.options.settings_dir)
        except OSError as exc:  # cannot remember it, but can still change it for now
            log.error("could not save speech settings: %s", exc)
            from voiceguide.speech_settings import adjust

            after = adjust(before, word)
        self.renderer.settings = after
        return adjustment_feedback(before, after, word)

    def _spoken_error(self, exc: BaseException) -> None:
        log.error("error while answering: %s: %s", type(exc).__name__, exc)
        log.debug("details", exc_info=exc)
        self.captions("(Something went wrong; see the log.)")
        self.events(LoopEvent(EventKind.ERROR, ERROR_SPOKEN))
        assert self.player is not None
        self.player.say(ERROR_SPOKEN, "error", earcon_before="error")

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
    from voiceguide.tts import spoken_sentences

    return tuple(spoken_sentences(text))
