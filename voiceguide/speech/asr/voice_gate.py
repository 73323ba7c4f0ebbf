"""Where in a recording someone is speaking, judged by webrtcvad and loudness, before Whisper hears it.

Whisper writes fluent words into silence and noise, and its hotwords make those words content words, so only
audio with speech in it reaches it, trimmed to the speech with a little margin. faster-whisper's own filter
(Silero) would do the same, but it runs on onnxruntime, whose Linux build writes a device id and a telemetry
database under ~/.cache on first use: a privacy leak this assistant must not have. webrtcvad writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_SECONDS = 0.03
FLOOR_RMS = 250.0  # int16 units, about -42 dBFS: a quieter frame is never speech


@dataclass(frozen=True)
class VoiceGate:
    aggressiveness: int = 3  # webrtcvad's strictest: kitchen clatter is not speech
    min_voiced: float = 0.09  # seconds of voiced frames below which a recording holds no speech ("stop" has
    # little voicing: 0.1-0.15 s of it)
    margin: float = 0.3  # seconds kept either side of the speech

    def speech_span(self, pcm: np.ndarray, sample_rate: int) -> tuple[int, int] | None:
        """The samples from the first to the last voiced frame, widened by the margin; None: no speech."""
        import webrtcvad

        vad = webrtcvad.Vad(self.aggressiveness)
        step = int(sample_rate * FRAME_SECONDS)
        voiced = []
        for start in range(0, len(pcm) - step + 1, step):
            frame = pcm[start : start + step]
            loud = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))) >= FLOOR_RMS
            if loud and vad.is_speech(frame.tobytes(), sample_rate):
                voiced.append(start)
        if len(voiced) * FRAME_SECONDS < self.min_voiced:
            return None
        margin = int(self.margin * sample_rate)
        return max(0, voiced[0] - margin), min(len(pcm), voiced[-1] + step + margin)
