"""Reads a recording (WAV, FLAC, OGG; any rate, any channel count) into the one Audio type.

Every problem is an AudioFileError naming the file and saying what is wrong in plain words, so a batch can
report it for that file and go on with the next.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from voiceguide.audio import Audio

DEFAULT_MAX_SECONDS = 60.0
# Peak below this (about -60 dBFS) is silence or a muted microphone, not a question.
SILENCE_PEAK = 10 ** (-60 / 20)


class AudioFileError(ValueError):
    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def load_audio(path: str | Path, target_rate: int = 16000, max_seconds: float = DEFAULT_MAX_SECONDS) -> Audio:
    file = Path(path)
    if not file.exists():
        raise AudioFileError(path, "file not found")
    if file.is_dir():
        raise AudioFileError(path, "is a folder, not an audio file")
    try:
        info = sf.info(str(file))
    except (sf.LibsndfileError, RuntimeError, OSError) as error:
        if file.stat().st_size == 0:
            raise AudioFileError(path, "the file is empty") from error
        raise AudioFileError(path, "not a readable WAV, FLAC or OGG audio file") from error
    if info.frames == 0 or info.samplerate <= 0:
        raise AudioFileError(path, "contains no audio")
    seconds = info.frames / info.samplerate
    if seconds > max_seconds:
        raise AudioFileError(
            path, f"is {seconds:.0f} s long; questions longer than {max_seconds:.0f} s are refused"
        )
    try:
        data, rate = sf.read(str(file), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as error:
        raise AudioFileError(path, f"the audio data is damaged ({error})") from error
    if data.size == 0:
        raise AudioFileError(path, "contains no audio")
    mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
    if not np.all(np.isfinite(mono)):
        raise AudioFileError(path, "the audio data is damaged (invalid sample values)")
    if float(np.max(np.abs(mono))) < SILENCE_PEAK:
        raise AudioFileError(path, "is silent (nothing louder than -60 dBFS); check the microphone")
    if rate != target_rate:
        mono = soxr.resample(mono, rate, target_rate, quality="HQ").astype(np.float32)
    return Audio(np.ascontiguousarray(mono, dtype=np.float32), target_rate)
