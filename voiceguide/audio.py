"""The one in-memory audio type that flows between the seams (file -> recognizer, renderer -> speaker).

Samples are float32 mono in [-1, 1]; every producer converts to this once so consumers never guess formats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / float(self.sample_rate) if self.sample_rate else 0.0

    def to_int16(self) -> np.ndarray:
        """16-bit PCM, what recognizers and WAV writers expect."""
        return (np.clip(self.samples, -1.0, 1.0) * 32767.0).astype(np.int16)

    @classmethod
    def from_int16(cls, pcm: np.ndarray, sample_rate: int) -> Audio:
        return cls(pcm.astype(np.float32) / 32768.0, sample_rate)

    @classmethod
    def silence(cls, seconds: float, sample_rate: int = 16000) -> Audio:
        return cls(np.zeros(int(seconds * sample_rate), dtype=np.float32), sample_rate)
