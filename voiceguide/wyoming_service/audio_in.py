"""One streamed utterance (AudioStart, AudioChunk..., AudioStop) gathered into the project's `Audio`.

A network client can send anything, so every chunk is checked before it is used: a sample width, channel count
or rate no microphone has, a chunk whose bytes do not divide into whole samples, a format that changes in the
middle of the utterance, or more than a question's worth of audio, is a `StreamError` with plain words (the
handler sends it as an Error event). Chunks are mixed to mono and brought to the recognizer's rate as they
arrive, so what is held per client is bounded by the length limit at 16 kHz whatever the client sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import soxr

from voiceguide.speech.audio import Audio, int16_to_float
from voiceguide.speech.audio_file import DEFAULT_MAX_SECONDS

WIDTHS = (1, 2, 4)  # 8-bit unsigned, 16- and 32-bit signed: the widths WAV and Wyoming clients use
MAX_CHANNELS = 8
MIN_RATE, MAX_RATE = 8000, 192000


class StreamError(ValueError):
    """Audio that cannot be taken; the message says what was wrong with it."""


@dataclass(frozen=True)
class StreamFormat:
    rate: int
    width: int
    channels: int

    @classmethod
    def checked(cls, rate: object, width: object, channels: object) -> StreamFormat:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (rate, width, channels)):
            raise StreamError("the audio format needs whole numbers for rate, width and channels")
        assert isinstance(rate, int) and isinstance(width, int) and isinstance(channels, int)
        if width not in WIDTHS:
            raise StreamError(f"a sample width of {width} bytes is not supported (use 1, 2 or 4; 2 is usual)")
        if not 1 <= channels <= MAX_CHANNELS:
            raise StreamError(f"{channels} channels is not supported (1 to {MAX_CHANNELS}; 1 is usual)")
        if not MIN_RATE <= rate <= MAX_RATE:
            raise StreamError(f"a rate of {rate} Hz is not supported "
                              f"({MIN_RATE} to {MAX_RATE} Hz; 16000 is usual)")
        return cls(rate, width, channels)

    @property
    def frame_bytes(self) -> int:
        return self.width * self.channels

    def to_mono(self, data: bytes) -> np.ndarray:
        """float32 mono in [-1, 1], the way audio_file reads a recording."""
        if len(data) % self.frame_bytes:
            raise StreamError(f"a chunk of {len(data)} bytes is not a whole number of "
                              f"{self.width}-byte samples on {self.channels} channel(s)")
        if self.width == 1:
            samples = (np.frombuffer(data, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
        elif self.width == 2:
            samples = int16_to_float(np.frombuffer(data, dtype="<i2"))
        else:
            samples = (np.frombuffer(data, dtype="<i4").astype(np.float64) / 2147483648.0).astype(np.float32)
        if self.channels > 1:
            samples = samples.reshape(-1, self.channels).mean(axis=1, dtype=np.float32)
        return samples


@dataclass
class Utterance:
    """The audio of one question so far, at `target_rate`."""

    target_rate: int
    max_seconds: float = DEFAULT_MAX_SECONDS
    format: StreamFormat | None = None
    _parts: list[np.ndarray] = field(default_factory=list)
    _samples: int = 0
    _resampler: soxr.ResampleStream | None = None

    def start(self, fmt: StreamFormat) -> None:
        self.format = fmt
        if fmt.rate != self.target_rate:
            self._resampler = soxr.ResampleStream(fmt.rate, self.target_rate, 1, dtype="float32",
                                                  quality="HQ")

    def add(self, fmt: StreamFormat, data: bytes) -> None:
        if self.format is None:  # a chunk with no AudioStart before it: its own format starts the utterance
            self.start(fmt)
        elif fmt != self.format:
            raise StreamError(f"the audio format changed in the middle of the stream ({_shown(self.format)} "
                              f"to {_shown(fmt)})")
        samples = self.format.to_mono(data)
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(samples)
        self._samples += len(samples)
        if self._samples > self.max_seconds * self.target_rate:
            raise StreamError(f"more than {self.max_seconds:.0f} s of audio in one question; "
                              "end each question with AudioStop")
        self._parts.append(samples)

    def finish(self) -> Audio:
        if self._resampler is not None:
            self._parts.append(self._resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True))
        joined = np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=np.float32)
        if not np.all(np.isfinite(joined)):
            raise StreamError("the audio data is damaged (invalid sample values)")
        return Audio(np.ascontiguousarray(joined, dtype=np.float32), self.target_rate)

    @property
    def seconds(self) -> float:
        return self._samples / self.target_rate


def _shown(fmt: StreamFormat) -> str:
    return f"{fmt.rate} Hz, {fmt.width * 8}-bit, {fmt.channels} channel(s)"
