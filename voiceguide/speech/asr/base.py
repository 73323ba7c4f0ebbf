"""The one recognizer interface every speech-in engine implements, and the types it returns.

Engines differ (Whisper, Vosk), but the rest of VoiceGuide only sees `Recognizer`, `Transcript` and
`RecognizerError`, so an engine can be swapped without touching the router or the loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import soxr

from voiceguide.speech.audio import Audio, float_to_int16


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the utterance
    end: float
    confidence: float  # 0..1


@dataclass(frozen=True)
class Transcript:
    """What a recognizer heard: lower case, no punctuation, the form the router expects."""

    text: str
    confidence: float  # 0..1; 0 for an empty transcript
    words: tuple[Word, ...]
    engine: str

    @classmethod
    def empty(cls, engine: str) -> Transcript:
        return cls("", 0.0, (), engine)

    @classmethod
    def from_words(cls, words: tuple[Word, ...], engine: str) -> Transcript:
        """Utterance confidence is the mean word confidence: one doubtful word in a long question lowers
        it a little, a whole doubtful utterance lowers it a lot."""
        if not words:
            return cls.empty(engine)
        confidence = sum(word.confidence for word in words) / len(words)
        return cls(" ".join(word.text for word in words), round(confidence, 4), words, engine)


class RecognizerError(RuntimeError):
    """A recognizer could not be set up or run; the message says what the user can do about it."""


@runtime_checkable
class Recognizer(Protocol):
    """`supports_streaming`: the engine decodes while audio arrives, with the same result as `transcribe` on
    the whole recording (then it offers `open_utterance()`); otherwise the live loop decodes at each pause."""

    name: str
    sample_rate: int
    supports_streaming: bool

    def transcribe(self, audio: Audio) -> Transcript: ...


def pcm16(audio: Audio, sample_rate: int) -> np.ndarray:
    """Audio at any rate -> int16 PCM at the recognizer's rate (resampled with soxr when needed)."""
    samples = np.asarray(audio.samples, dtype=np.float32)
    if samples.ndim > 1:
        samples = samples.mean(axis=1, dtype=np.float32)
    if audio.sample_rate != sample_rate and len(samples):
        samples = soxr.resample(samples, audio.sample_rate, sample_rate, quality="HQ").astype(np.float32)
    return float_to_int16(samples)


def chunk_bytes(pcm: bytes | np.ndarray) -> bytes:
    """Stream chunks may arrive as bytes or as int16 arrays (sounddevice gives arrays)."""
    if isinstance(pcm, bytes | bytearray | memoryview):
        return bytes(pcm)
    array = np.asarray(pcm)
    if array.dtype != np.int16:
        raise TypeError(f"stream chunks must be 16-bit PCM, got {array.dtype}")
    return array.reshape(-1).tobytes()
