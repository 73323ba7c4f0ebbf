"""Whose turn it is: the live loop's turn-taking as a state machine over input frames.

The loop feeds one Frame per input chunk (the audio, whether an answer is playing, whether the talk key was
pressed) and gets a Step back: the state after the frame and what happened in it. Everything here is a
function of the frames alone: no threads, no devices, no recognizer, and time is the input's audio clock, so
the same recording gives the same turns at any speed, and this is unit-tested on synthetic frames. Deciding
whether a pause ends a question needs the words heard so far; the Step asks (JUDGE_PAUSE) and the loop
answers with judge_pause().

Barge-in policy (why it is not "any speech stops the answer"): with a real speaker and no echo canceller, the
microphone hears VoiceGuide's own voice, which a voice activity detector rightly calls speech. So while an
answer plays, the level heard from the speaker is learned (the median input level over the last three seconds
of playback) and an interruption needs *sustained* speech: voiced frames covering at least 180 ms of the last
300 ms (a short "stop" has about 200 ms of voicing), each clearly louder than that echo (2x, +6 dB) and above
an absolute floor. A person speaking up near the device passes; the speaker's own echo, a cough or a clatter
does not. A key press always stops an answer at once. The speech that interrupted is not lost: the 0.6 s of
pre-roll before the trigger starts the utterance, so "stop" or a question said over an answer is heard whole.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from enum import Enum

import numpy as np

from voiceguide.live.voice_activity import EndOfSpeech, SpeechGate

PRE_ROLL = 0.6  # seconds of audio before the onset that start an utterance
ECHO_GUARD = 0.25  # seconds after our last sound in which the room's echo of it is not taken as speech


@dataclass
class TurnOptions:
    push_to_talk: bool = False
    idle_timeout: float | None = None  # seconds of audio; None: never
    barge_in: bool = True
    end_silence: float = 0.6  # trailing non-speech that ends an utterance (one that may not be finished)
    early_decode_after: float = 0.1  # a pause this long starts decoding what was said so far (early_decode)
    end_silence_finished: float = 0.3  # ...and this much ends it, if what was said so far sounds finished
    max_utterance: float = 15.0
    listen_window: float = 8.0  # after a key press or the wake phrase alone: how long to wait for speech


class TurnState(Enum):
    SPEAKING = "speaking"  # an answer or tone plays: only a sustained interruption is taken as speech
    LISTENING = "listening"  # speech starts an utterance
    WAITING_FOR_KEY = "waiting-for-key"  # push-to-talk: speech is not taken until the key is pressed
    IN_SPEECH = "in-speech"  # an utterance is being captured
    END_OF_TURN = "end-of-turn"  # the utterance is over: the loop answers it, then calls end_turn()


class TurnEvent(Enum):
    NOW_LISTENING = "now-listening"  # playback ended; speech is taken (after the wake phrase, if one is set)
    NOW_LISTENING_ENGAGED = "now-listening-engaged"  # ...and is taken without the wake phrase
    NOW_WAITING_FOR_KEY = "now-waiting-for-key"  # playback ended; push-to-talk waits for the key
    KEY_STOP = "key-stop"  # the key was pressed while something played: stop it
    ARMED = "armed"  # push-to-talk: the key opened a listening window (play the listening tone)
    IDLE_RESET = "idle-reset"  # no one has spoken for idle_timeout: forget the conversation
    SPEECH_STARTED = "speech-started"  # an utterance began; its pre-roll is the Step's new_audio
    BARGE_IN = "barge-in"  # the person spoke over the answer: stop it; an utterance began
    PAUSED = "paused"  # the speaker paused: a good moment to decode what was said so far
    JUDGE_PAUSE = "judge-pause"  # does what was said so far sound finished? answer with judge_pause()


class TurnOutcome(Enum):
    """What the loop made of an utterance, told back with end_turn()."""

    NOTHING = "nothing"  # nothing heard, or not meant for us
    WAKE = "wake"  # the wake phrase alone: the next utterance needs no wake phrase
    ANSWERED = "answered"  # the conversation took it, so it now holds something of this person
    FORGOTTEN = "forgotten"  # goodbye on a kiosk: the conversation was reset for the next person


@dataclass(frozen=True)
class Frame:
    audio: np.ndarray  # int16 samples
    playing: bool = False  # an answer or tone is playing (or about to)
    key_pressed: bool = False  # the talk/stop key (Enter or space)


@dataclass(frozen=True)
class Utterance:
    chunks: tuple[np.ndarray, ...]
    voiced_until: int  # samples up to the end of the last voiced chunk
    engaged: bool  # taken without the wake phrase (after a key, the wake phrase alone, or a barge-in)
    barged_in: bool


@dataclass(frozen=True)
class Step:
    state: TurnState
    events: tuple[TurnEvent, ...] = ()
    voiced: bool = False  # the gate's verdict on this frame
    speech_heard: bool = False  # the utterance started or went on being voiced in this frame
    new_audio: tuple[np.ndarray, ...] = ()  # audio that joined the utterance in this frame, in order
    utterance: Utterance | None = None  # set when state is END_OF_TURN


class BargeInDetector:
    """Sustained speech clearly above the echo of our own voice (see the module docstring)."""

    def __init__(self, chunk_seconds: float, window: float = 0.3, needed: float = 0.18,
                 echo_factor: float = 2.0, history_seconds: float = 3.0) -> None:
        self.window = max(1, round(window / chunk_seconds))
        self.needed = max(1, round(needed / chunk_seconds))
        self.echo_factor = echo_factor
        self._recent: collections.deque[bool] = collections.deque(maxlen=self.window)
        self._levels: collections.deque[float] = collections.deque(
            maxlen=max(1, round(history_seconds / chunk_seconds)))

    def reset(self) -> None:
        self._recent.clear()
        self._levels.clear()

    def update(self, voiced: bool, rms: float) -> bool:
        echo = float(np.median(self._levels)) if self._levels else 0.0
        loud = voiced and rms >= max(SpeechGate.FLOOR_RMS, self.echo_factor * echo)
        self._recent.append(loud)
        self._levels.append(rms)
        return sum(self._recent) >= self.needed


class TurnTaker:
    """Speech starts an utterance once three of the last four chunks are voiced. It ends at a pause: after
    end_silence of unvoiced chunks, or when the endpointer (which lags by its window) has been quiet that
    long, whichever comes first; or sooner, after end_silence_finished, when what was said so far sounds
    finished; or at max_utterance."""

    def __init__(self, options: TurnOptions, sample_rate: int, chunk_samples: int, *,
                 playing: bool = False) -> None:
        self.options = options
        self.chunk_seconds = chunk_samples / sample_rate
        self.gate = SpeechGate(sample_rate)
        self.end_of_speech = EndOfSpeech(sample_rate)
        self.barge = BargeInDetector(self.chunk_seconds)
        self._pre_roll: collections.deque[np.ndarray] = collections.deque(
            maxlen=max(1, round(PRE_ROLL / self.chunk_seconds)))
        self._onset: collections.deque[bool] = collections.deque(maxlen=4)
        self.clock = 0.0  # seconds of audio fed
        self.captured: list[np.ndarray] = []  # the utterance so far
        self.voiced_until = 0
        self._captured_samples = 0
        self._captured_seconds = 0.0
        self._silence = 0.0
        self._judged = False  # this pause has been judged finished or not
        self._last_activity = 0.0
        self._quiet_since = 0.0
        self._armed_until = -1.0  # push-to-talk / wake phrase alone: speech is taken until this audio time
        self._engaged = False  # interrupted an answer or said the wake phrase alone
        self._interrupted = False
        self._holds_conversation = False  # the conversation holds something of the current person
        self._was_playing = playing  # "now listening" is told once each time playback ends
        self.state = TurnState.SPEAKING if playing else self._waiting_state()

    @property
    def armed(self) -> bool:
        """The next utterance is taken without the wake phrase (and, in push-to-talk, without the key)."""
        return self._engaged or self._armed_until >= self.clock

    def feed(self, frame: Frame) -> Step:
        if self.state is TurnState.END_OF_TURN:
            raise RuntimeError("the utterance has ended: call end_turn() before feeding more audio")
        opts = self.options
        self.clock += self.chunk_seconds
        voiced, rms = self.gate.frame(frame.audio)
        self._pre_roll.append(frame.audio)
        events: list[TurnEvent] = []
        playing = frame.playing
        if playing:
            self._last_activity = self._quiet_since = self.clock
            self._was_playing = True
        elif self._was_playing:
            self._was_playing = False
            events.append(TurnEvent.NOW_WAITING_FOR_KEY if opts.push_to_talk and not self.armed
                          else TurnEvent.NOW_LISTENING_ENGAGED if self.armed else TurnEvent.NOW_LISTENING)

        if frame.key_pressed:
            if playing:
                events.append(TurnEvent.KEY_STOP)
                playing = False
            if self.state is TurnState.IN_SPEECH:
                return self._end(events, voiced, speech_heard=False)
            if opts.push_to_talk:
                self._armed_until = self.clock + opts.listen_window
                events.append(TurnEvent.ARMED)
                playing = self._was_playing = True  # let the tone play before taking speech

        if self.state is TurnState.IN_SPEECH:
            return self._capture(frame.audio, voiced, events)

        if playing:
            self._onset.clear()
            if opts.barge_in and self.barge.update(voiced, rms):
                self.barge.reset()
                self._interrupted = self._engaged = True
                events.append(TurnEvent.BARGE_IN)
                return self._begin(events, voiced)
            self.state = TurnState.SPEAKING
            return Step(self.state, tuple(events), voiced)
        self.barge.reset()
        self.state = self._waiting_state()
        if self.clock - self._quiet_since < ECHO_GUARD:
            return Step(self.state, tuple(events), voiced)
        idle = self.clock - self._last_activity
        if opts.idle_timeout and self._holds_conversation and idle >= opts.idle_timeout:
            self._holds_conversation = False
            events.append(TurnEvent.IDLE_RESET)
        if self.state is TurnState.WAITING_FOR_KEY:
            return Step(self.state, tuple(events), voiced)
        self._onset.append(voiced)
        if sum(self._onset) >= 3:
            events.append(TurnEvent.SPEECH_STARTED)
            return self._begin(events, voiced)
        return Step(self.state, tuple(events), voiced)

    def judge_pause(self, sounds_finished: bool) -> Step:
        """The answer to JUDGE_PAUSE: a pause after what sounds like a whole question ends the utterance."""
        if self.state is not TurnState.IN_SPEECH:
            raise RuntimeError("no utterance is being captured")
        if sounds_finished:
            return self._end([], False, speech_heard=False)
        return Step(self.state)

    def input_ended(self) -> Utterance | None:
        """The input has run out: the utterance being captured, if any, ends here."""
        if self.state is not TurnState.IN_SPEECH:
            return None
        return self._end([], False, speech_heard=False).utterance

    def end_turn(self, outcome: TurnOutcome, *, playing: bool) -> None:
        """The loop has dealt with the utterance (`playing`: it started an answer or a tone)."""
        if self.state is not TurnState.END_OF_TURN:
            raise RuntimeError("no utterance has ended")
        self.captured = []
        self._was_playing = self._was_playing or playing
        self._engaged = outcome is TurnOutcome.WAKE
        self._armed_until = self.clock + self.options.listen_window if self._engaged else -1.0
        if outcome is TurnOutcome.ANSWERED:
            self._holds_conversation = True
        elif outcome is TurnOutcome.FORGOTTEN:
            self._holds_conversation = False
        self._last_activity = self.clock
        self.state = TurnState.SPEAKING if playing else self._waiting_state()

    def _waiting_state(self) -> TurnState:
        if self.options.push_to_talk and self._armed_until < self.clock:
            return TurnState.WAITING_FOR_KEY
        return TurnState.LISTENING

    def _begin(self, events: list[TurnEvent], voiced: bool) -> Step:
        self._onset.clear()
        self.end_of_speech.reset()
        self.state = TurnState.IN_SPEECH
        self._captured_seconds = self._silence = 0.0
        self._judged = False
        self.captured = list(self._pre_roll)
        self._captured_samples = self.voiced_until = sum(len(c) for c in self.captured)
        for earlier in self.captured:
            self.end_of_speech.accept(earlier)
        return Step(self.state, tuple(events), voiced, speech_heard=True, new_audio=tuple(self.captured))

    def _capture(self, chunk: np.ndarray, voiced: bool, events: list[TurnEvent]) -> Step:
        opts = self.options
        self.captured.append(chunk)
        self._captured_samples += len(chunk)
        paused = self.end_of_speech.accept(chunk)
        self._captured_seconds += self.chunk_seconds
        if voiced:
            self._silence = 0.0
            self.voiced_until = self._captured_samples
            self._judged = False
        else:
            self._silence += self.chunk_seconds
            if self._silence >= opts.early_decode_after > self._silence - self.chunk_seconds:
                events.append(TurnEvent.PAUSED)
        if (self.end_of_speech.quiet_for >= opts.end_silence - self.end_of_speech.window
                or self._silence >= opts.end_silence or self._captured_seconds >= opts.max_utterance):
            return self._end(events, voiced, speech_heard=voiced, new_audio=(chunk,))
        if not self._judged and not voiced and (paused or self._silence >= opts.end_silence_finished):
            self._judged = True
            events.append(TurnEvent.JUDGE_PAUSE)
        return Step(self.state, tuple(events), voiced, speech_heard=voiced, new_audio=(chunk,))

    def _end(self, events: list[TurnEvent], voiced: bool, *, speech_heard: bool,
             new_audio: tuple[np.ndarray, ...] = ()) -> Step:
        utterance = Utterance(tuple(self.captured), self.voiced_until, engaged=self.armed,
                              barged_in=self._interrupted)
        self._interrupted = False
        self._onset.clear()
        self.state = TurnState.END_OF_TURN
        return Step(self.state, tuple(events), voiced, speech_heard=speech_heard, new_audio=new_audio,
                    utterance=utterance)
