"""What a speaker and a file have in common as outputs: a queue of clips that plays without gaps, stops at
once for barge-in, and keeps a timeline of what actually went out."""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from voiceguide.speech.audio import Audio


@dataclass
class PlayedClip:
    """One clip as it went out: times in seconds of output (file position for FileOutput), and wall clock."""

    label: str
    duration: float  # the clip's full length
    start: float
    end: float
    wall_start: float  # time.monotonic()
    wall_end: float
    stopped: bool  # cut short by stop()

    @property
    def played(self) -> float:
        return self.end - self.start


@runtime_checkable
class AudioOutput(Protocol):
    sample_rate: int

    def play(self, audio: Audio, label: str = "") -> None:
        """Starts playing without blocking; if something is playing, this follows it without a gap."""

    def wait(self, timeout: float | None = None) -> bool:
        """Blocks until everything queued has played; False on timeout."""

    def stop(self) -> None:
        """Silences at once and drops everything queued (barge-in, "stop")."""

    @property
    def is_playing(self) -> bool: ...

    def close(self) -> None: ...


class _Clip:
    __slots__ = ("label", "pos", "samples", "start", "wall_start")

    def __init__(self, samples: np.ndarray, label: str) -> None:
        self.samples, self.label, self.pos = samples, label, 0
        self.start, self.wall_start = 0.0, 0.0


class QueuedOutput:
    """Playback queue shared by the speaker and the file: whoever consumes pulls blocks of samples."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.timeline: list[PlayedClip] = []
        self._lock = threading.Lock()
        self._queue: collections.deque[_Clip] = collections.deque()
        self._current: _Clip | None = None
        self._frames = 0  # output position in frames
        self._idle = threading.Event()
        self._idle.set()

    def _prepare(self, audio: Audio) -> np.ndarray:
        samples = np.asarray(audio.samples, dtype=np.float32).reshape(-1)
        if audio.sample_rate != self.sample_rate and len(samples):
            import soxr

            samples = soxr.resample(samples, audio.sample_rate, self.sample_rate).astype(np.float32)
        return np.clip(samples, -1.0, 1.0)

    def play(self, audio: Audio, label: str = "") -> None:
        self._check_usable()
        clip = _Clip(self._prepare(audio), label)
        if not len(clip.samples):
            return
        with self._lock:
            self._queue.append(clip)
            self._idle.clear()
        self._wake()

    def _check_usable(self) -> None:
        """Raises when the output cannot play (closed, device lost)."""

    def _wake(self) -> None:
        """Tells the consumer there is something to play."""

    def _finish(self, clip: _Clip, stopped: bool) -> None:
        end = clip.start + clip.pos / self.sample_rate
        self.timeline.append(PlayedClip(clip.label, len(clip.samples) / self.sample_rate, clip.start, end,
                                        clip.wall_start, time.monotonic(), stopped))

    def _pull(self, frames: int, pad: bool) -> np.ndarray:
        """The next `frames` samples to play; zero-padded when `pad`, else only what is queued."""
        out = np.zeros(frames, dtype=np.float32)
        filled = 0
        with self._lock:
            while filled < frames:
                if self._current is None:
                    if not self._queue:
                        break
                    self._current = self._queue.popleft()
                    self._current.start = (self._frames + filled) / self.sample_rate
                    self._current.wall_start = time.monotonic()
                clip = self._current
                n = min(frames - filled, len(clip.samples) - clip.pos)
                out[filled : filled + n] = clip.samples[clip.pos : clip.pos + n]
                clip.pos += n
                filled += n
                if clip.pos >= len(clip.samples):
                    self._finish(clip, stopped=False)
                    self._current = None
            used = frames if pad else filled
            self._frames += used
        return out[:used]

    def _mark_idle_if_drained(self) -> None:
        with self._lock:
            if self._current is None and not self._queue:
                self._idle.set()

    def stop(self) -> None:
        with self._lock:
            if self._current is not None:
                self._finish(self._current, stopped=True)
                self._current = None
            self._queue.clear()
            self._idle.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._idle.wait(timeout)

    @property
    def is_playing(self) -> bool:
        return not self._idle.is_set()

    @property
    def position(self) -> float:
        """Seconds of output so far (silence included), on the same scale as PlayedClip.start/end."""
        return self._frames / self.sample_rate
