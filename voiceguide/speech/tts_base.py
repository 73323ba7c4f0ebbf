"""What every speech engine shares, so that pyttsx3 (espeak-ng) and Piper are interchangeable renderers.

An engine only says how to render one sentence of already-speakable text and what its voices are called;
everything a listener depends on is done here, once, for all of them:
- the same sentences (spoken_sentences: the compiler's sentences, long ones cut at clause boundaries), so the
  captions say what is being said whichever voice says it;
- the same speakable-text step (voiceguide.answer.speakable: "911" read digit by digit): `render_sentences`
  applies it, so no engine can skip it;
- the same settings (rate, volume, voice) with the same fallback when a voice is missing;
- sentence by sentence with lookahead: the next sentence renders while the current one plays, and closing
  the iterator (barge-in) cancels renders not yet started.
"""

from __future__ import annotations

import time
import warnings
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from enum import Enum

import numpy as np

from voiceguide.answer.speakable import speakable
from voiceguide.answer.text import split_sentences
from voiceguide.speech.audio import Audio
from voiceguide.speech.settings import SpeechSettings

OUTPUT_RATE = 22050  # espeak-ng's and the Piper voice's native rate: no resampling on the normal path


class TtsEngine(str, Enum):
    """The speech engines `--tts` chooses between; pyttsx3 (espeak-ng) is the default."""

    PYTTSX3 = "pyttsx3"
    PIPER = "piper"


class SpeechEngineError(RuntimeError):
    """The speech engine could not start or render; the message says what to install or change."""


class VoiceNotFoundError(ValueError):
    """A voice name that the speech engine does not have; the message names some that it does."""


class VoiceWarning(UserWarning):
    """An unknown voice was replaced by the default voice so the assistant can keep talking."""


@dataclass(frozen=True)
class VoiceInfo:
    id: str  # what to put in settings / --voice, e.g. "gmw/en-us"
    name: str  # e.g. "English (America)"
    languages: tuple[str, ...]
    gender: str | None = None


@dataclass(frozen=True)
class SpokenSentence:
    """One rendered sentence; the text travels with the audio so captions show what is being said."""

    text: str
    audio: Audio
    render_seconds: float  # from queueing to ready (includes waiting behind earlier sentences)
    rendered_at: float  # time.perf_counter() when the audio was ready, for first-audio figures


# ---------------------------------------------------------------------------------------------- sentences

def _split_long(sentence: str, max_chars: int) -> list[str]:
    """Very long sentences are cut at clause boundaries so the first audio is never held up by one."""
    parts: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        window = rest[:max_chars]
        cut = max(window.rfind("; "), window.rfind(": "), window.rfind(", "))
        if cut < max_chars // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            break
        parts.append(rest[: cut + 1].strip())
        rest = rest[cut + 1 :].strip()
    if rest:
        parts.append(rest)
    return parts


def spoken_sentences(text: str, max_chars: int = 250) -> list[str]:
    """What is rendered and captioned one at a time: the text's sentences
    (voiceguide.answer.text.split_sentences, the same ones the compiler stored), with any longer than
    `max_chars` cut at clause boundaries."""
    return [part for sentence in split_sentences(text) for part in _split_long(sentence, max_chars)
            if any(c.isalnum() for c in part)]


# ---------------------------------------------------------------------------------------------- renderer


class SentenceRenderer(ABC):
    """Renders text with one set of speech settings, sentence by sentence.

    strict=True (commands such as `say`): an unknown voice raises VoiceNotFoundError.
    strict=False (the live assistant): an unknown voice falls back to the default voice with a VoiceWarning,
    and `fallback_message` holds a sentence that can be spoken or shown.
    """

    engine: TtsEngine

    def __init__(self, settings: SpeechSettings | None = None, output_rate: int = OUTPUT_RATE,
                 *, strict: bool = True) -> None:
        self.output_rate = output_rate
        self.strict = strict
        self.fallback_message: str | None = None
        self._voice_id: str | None = None
        self._settings = SpeechSettings()
        self.settings = settings or SpeechSettings()

    # -- what an engine provides ---------------------------------------------------------------
    @abstractmethod
    def _resolve_voice(self, voice: str) -> str:
        """The engine's id for a voice a person named; raises VoiceNotFoundError naming some it has."""

    @abstractmethod
    def _default_voice(self) -> str | None:
        """The voice used when none is chosen (or the chosen one is missing)."""

    @abstractmethod
    def _submit(
        self, text: str, voice_id: str | None, settings: SpeechSettings
    ) -> Future[tuple[Audio, float]]:
        """Queues one sentence of speakable text; the future holds its audio at self.output_rate and the
        time.perf_counter() when it was ready. Renders run in the order submitted, and a future not yet
        started can be cancelled."""

    # -- shared --------------------------------------------------------------------------------
    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    @settings.setter
    def settings(self, settings: SpeechSettings) -> None:
        settings = settings.clamped()
        voice_id = None
        if settings.voice is not None:
            try:
                voice_id = self._resolve_voice(settings.voice)
            except VoiceNotFoundError as exc:
                if self.strict:
                    raise
                self.fallback_message = (
                    f"I don't have the voice {settings.voice}, so I am using my usual voice."
                )
                warnings.warn(f"{exc} Using the default voice instead.", VoiceWarning, stacklevel=3)
                settings = SpeechSettings(voice=None, rate=settings.rate, volume=settings.volume)
        if voice_id is None:
            voice_id = self._default_voice()
        self._settings, self._voice_id = settings, voice_id

    def render(self, text: str) -> Audio:
        """The whole text as one clip (sentences joined), for files and short prompts."""
        clips = [s.audio.samples for s in self.render_sentences(text)]
        joined = np.concatenate(clips) if clips else np.zeros(0, dtype=np.float32)
        return Audio(joined, self.output_rate)

    def render_sentences(self, text: str, lookahead: int = 1) -> Iterator[SpokenSentence]:
        """Sentence by sentence; up to `lookahead` further sentences render in the background while the
        caller plays the current one. Closing the iterator early (barge-in) cancels what has not started."""
        sentences = iter(spoken_sentences(text))
        pending: deque[tuple[str, float, Future[tuple[Audio, float]]]] = deque()

        def top_up() -> None:
            while len(pending) <= lookahead:
                sentence = next(sentences, None)
                if sentence is None:
                    return
                pending.append((sentence, time.perf_counter(),
                                self._submit(speakable(sentence), self._voice_id, self._settings)))

        try:
            top_up()
            while pending:
                sentence, queued_at, future = pending.popleft()
                audio, rendered_at = future.result()
                top_up()
                yield SpokenSentence(sentence, audio, rendered_at - queued_at, rendered_at)
        finally:
            for _, _, future in pending:
                future.cancel()

    def render_stream(self, text: str, lookahead: int = 1) -> Iterator[Audio]:
        """Audio per sentence, in the order of spoken_sentences(text)."""
        for sentence in self.render_sentences(text, lookahead):
            yield sentence.audio


def resampled(samples: np.ndarray, rate_in: int, output_rate: int) -> Audio:
    """Mono float32 samples at the renderer's output rate (soxr, only when the rates differ)."""
    mono = np.asarray(samples, dtype=np.float32)
    if rate_in != output_rate and len(mono):
        import soxr

        mono = soxr.resample(mono, rate_in, output_rate).astype(np.float32)
    return Audio(np.ascontiguousarray(mono, dtype=np.float32), output_rate)
