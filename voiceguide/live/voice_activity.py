"""Is someone talking, and have they stopped: the two voice activity judges of the live loop, both webrtcvad.

SpeechGate answers per chunk (it starts utterances and feeds barge-in). EndOfSpeech answers over a sliding
window, so one stray voiced frame of room noise does not hold an utterance open (measured: in kitchen noise at
10 dB two questions a second apart ran together when a bare silence count was the only judge).
"""

from __future__ import annotations

import collections

import numpy as np


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
    """An endpointer: speech starts once every 30 ms frame of the last 0.3 s is voiced, and is over once none
    of them is (webrtcvad in its least aggressive mode, so quiet word endings still count as voice). It is a
    detector only; nothing is decoded here."""

    FRAME_SECONDS = 0.03
    WINDOW_FRAMES = 10
    START_VOICED = 10  # voiced frames in the window that start speech
    END_VOICED = 0  # ...and at most this many end it
    MODE = 0

    def __init__(self, sample_rate: int) -> None:
        import webrtcvad

        self.sample_rate = sample_rate
        self.frame_samples = round(sample_rate * self.FRAME_SECONDS)
        self.frame_length = self.frame_samples / sample_rate
        self.window = self.WINDOW_FRAMES * self.frame_length  # how far behind the audio its verdict is
        if not webrtcvad.valid_rate_and_frame_length(sample_rate, self.frame_samples):
            raise ValueError(f"voice detection needs 8, 16, 32 or 48 kHz audio, not {sample_rate} Hz")
        self._new_vad = lambda: webrtcvad.Vad(self.MODE)
        self.reset()

    def reset(self) -> None:
        """Starts afresh, the detector's noise estimate included: each utterance is judged on its own."""
        self._vad = self._new_vad()
        self._votes: collections.deque[bool] = collections.deque(maxlen=self.WINDOW_FRAMES)
        self._pending = np.zeros(0, np.int16)
        self.in_speech = False
        self._heard_speech = False
        self.quiet_for = 0.0  # seconds since speech was last called over (0 while in speech)

    def accept(self, chunk: np.ndarray) -> bool:
        """True while speech, having started, is over (it may start again: then False once more)."""
        self._pending = np.concatenate([self._pending, np.asarray(chunk, dtype=np.int16)])
        size = self.frame_samples
        while len(self._pending) >= size:
            frame, self._pending = self._pending[:size], self._pending[size:]
            self._votes.append(bool(self._vad.is_speech(frame.tobytes(), self.sample_rate)))
            voiced = sum(self._votes)
            if self.in_speech and voiced <= self.END_VOICED:
                self.in_speech = False
            elif not self.in_speech and voiced >= self.START_VOICED:
                self.in_speech = True
            if self.in_speech:
                self._heard_speech = True
                self.quiet_for = 0.0
            elif self._heard_speech:
                self.quiet_for += self.frame_length
        return self._heard_speech and not self.in_speech
