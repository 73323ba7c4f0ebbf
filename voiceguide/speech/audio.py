"""The one in-memory audio type that flows between the seams (file -> recognizer, renderer -> speaker).

Samples are float32 mono in [-1, 1]; every producer converts to this once so consumers never guess formats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def float_to_int16(samples: np.ndarray) -> np.ndarray:
    """16-bit PCM from float samples in [-1, 1] (clipped), what recognizers and WAV writers expect."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)


def int16_to_float(pcm: np.ndarray) -> np.ndarray:
    """float32 samples in [-1, 1) from 16-bit PCM."""
    return pcm.astype(np.float32) / 32768.0


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / float(self.sample_rate) if self.sample_rate else 0.0

    def to_int16(self) -> np.ndarray:
        return float_to_int16(self.samples)

    @classmethod
    def from_int16(cls, pcm: np.ndarray, sample_rate: int) -> Audio:
        return cls(int16_to_float(pcm), sample_rate)

    @classmethod
    def silence(cls, seconds: float, sample_rate: int = 16000) -> Audio:
        return cls(np.zeros(int(seconds * sample_rate), dtype=np.float32), sample_rate)
