"""Is someone talking, and have they stopped: the two voice activity judges of the live loop.

SpeechGate answers per chunk (it starts utterances and feeds barge-in); EndOfSpeech answers over a sliding
window, so that one stray voiced frame of room noise does not hold an utterance open.
"""

from __future__ import annotations

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
