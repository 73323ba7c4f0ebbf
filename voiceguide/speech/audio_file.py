"""Reads a recording (WAV, FLAC, OGG; any rate, any channel count) into the one Audio type.

Every problem is an AudioFileError naming the file and saying what is wrong in plain words, so a batch can
report it for that file and go on with the next.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from voiceguide.input_limits import MAX_AUDIO_FILE_BYTES
from voiceguide.safe_files import InputFileError, open_input
from voiceguide.speech.audio import Audio

DEFAULT_MAX_SECONDS = 60.0
# Peak below this (about -60 dBFS) is silence or a muted microphone, not a question.
SILENCE_PEAK = 10 ** (-60 / 20)


class AudioFileError(ValueError):
    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def read_samples(path: str | Path, max_seconds: float = DEFAULT_MAX_SECONDS,
                 max_bytes: int = MAX_AUDIO_FILE_BYTES) -> tuple[np.ndarray, int]:
    """Mono float32 samples at the file's own rate, every sample finite: the checks a recorded question
    (ask, batch) and a recorded session (listen --input-file) share, so both say "damaged" for the same file.

    The file is opened only once it is known to be a regular file (a named pipe would block forever), and
    soundfile reads from that open handle, so the path cannot be swapped for something else in between.
    """
    try:
        handle = open_input(path, "audio file", max_bytes)
    except InputFileError as exc:
        reason = exc.problem
        if exc.err == errno.ENOENT and "symbolic link" not in reason:
            reason = "file not found"
        raise AudioFileError(path, reason) from None
    with handle:
        try:
            info = sf.info(handle)
        except (sf.LibsndfileError, RuntimeError, OSError, TypeError) as error:
            if os.fstat(handle.fileno()).st_size == 0:
                raise AudioFileError(path, "the file is empty") from error
            raise AudioFileError(path, "not a readable WAV, FLAC or OGG audio file") from error
        if info.frames <= 0 or info.samplerate <= 0 or info.channels <= 0:
            raise AudioFileError(path, "contains no audio")
        seconds = info.frames / info.samplerate
        if seconds > max_seconds:
            raise AudioFileError(
                path, f"is {seconds:.0f} s long; recordings longer than {max_seconds:.0f} s are refused"
            )
        handle.seek(0)
        try:
            data, rate = sf.read(handle, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError, OSError, TypeError, ValueError, MemoryError) as error:
            raise AudioFileError(path, f"the audio data is damaged ({error})") from error
    if data.size == 0:
        raise AudioFileError(path, "contains no audio")
    if not np.all(np.isfinite(data)):  # checked before mixing: NaN and inf must never reach arithmetic
        raise AudioFileError(path, "the audio data is damaged (invalid sample values)")
    mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
    return np.ascontiguousarray(mono, dtype=np.float32), int(rate)


def load_audio(path: str | Path, target_rate: int = 16000, max_seconds: float = DEFAULT_MAX_SECONDS) -> Audio:
    mono, rate = read_samples(path, max_seconds)
    if float(np.max(np.abs(mono))) < SILENCE_PEAK:
        raise AudioFileError(path, "is silent (nothing louder than -60 dBFS); check the microphone")
    if rate != target_rate:
        mono = soxr.resample(mono, rate, target_rate, quality="HQ").astype(np.float32)
    return Audio(np.ascontiguousarray(mono, dtype=np.float32), target_rate)
