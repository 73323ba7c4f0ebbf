"""Files standing in for the sound card: a recording as the microphone, a WAV file as the speaker.

They move real audio through real WAV I/O at real-time pace (times a speed, or instantly), and FileOutput
shares the speaker's playback queue (audio_devices.QueuedOutput), so a stop() cuts a file answer exactly where
a speaker would go quiet. Tests, recorded sessions and `listen --input-file/--output-file` use them; nothing
else differs from a run with hardware.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voiceguide.safe_files import PendingFile
from voiceguide.speech.audio import Audio
from voiceguide.speech.audio_devices import (
    INPUT_CHUNK_MS,
    INPUT_RATE,
    OUTPUT_RATE,
    AudioDeviceError,
    AudioFileInputError,
)
from voiceguide.speech.playback_queue import QueuedOutput


class FileOutput(QueuedOutput):
    """Receives what would have gone to the speaker and writes it to a WAV file (16-bit mono).

    realtime=True consumes audio at the pace a speaker would (times `speed`, so a test can run 4x faster and
    keep every relative timing), and silence between clips is written too, so the file lines up with the
    session; stop() cuts the clip within one 10 ms block of where a speaker would have gone quiet.
    realtime=False consumes instantly: clips are written back to back and wait() returns at once.
    """

    BLOCK_SECONDS = 0.01

    def __init__(self, path: str | Path, realtime: bool = True, *, speed: float = 1.0,
                 sample_rate: int = OUTPUT_RATE) -> None:
        import soundfile as sf

        if speed <= 0:
            raise ValueError("speed must be positive")
        super().__init__(sample_rate)
        self.path = Path(path)
        self.realtime = realtime
        self.speed = speed
        # Written under a temporary name and renamed on a clean close: a full disk or a crash never leaves a
        # partial WAV at the path, and a device or pipe there is refused, not replaced.
        try:
            self._pending = PendingFile(self.path)
        except OSError as exc:
            raise AudioDeviceError(str(exc), "output") from None
        try:
            self._file = sf.SoundFile(str(self._pending.temp), "w", samplerate=sample_rate, channels=1,
                                      subtype="PCM_16", format="WAV")
        except (OSError, RuntimeError) as exc:
            self._pending.discard()
            raise AudioDeviceError(str(self._pending.error(exc)), "output") from None
        self._wakeup = threading.Condition()
        self._closing = False
        self._error: BaseException | None = None
        self._opened_at = time.monotonic()
        self._thread = threading.Thread(target=self._consume, name="voiceguide-file-output", daemon=True)
        self._thread.start()

    def _wake(self) -> None:
        with self._wakeup:
            self._wakeup.notify_all()

    def _check_usable(self) -> None:
        if self._closing:
            raise AudioDeviceError(f"The output file {self.path} is already closed.", "output")
        if self._error is not None:
            raise AudioDeviceError(self.failure or "", "output") from None

    @property
    def failure(self) -> str | None:
        """Why the file could not be written (None while it is fine): the loop's own closing swallows errors,
        so a caller that must exit non-zero on a full disk asks here."""
        if self._error is None:
            return None
        return str(self._pending.error(self._error)) if isinstance(self._error, (OSError, RuntimeError)) \
            else f"Could not write {self.path}: {type(self._error).__name__}: {self._error}."

    def _has_work(self) -> bool:
        with self._lock:
            return self._current is not None or bool(self._queue)

    def _consume(self) -> None:
        try:
            block = max(1, int(self.BLOCK_SECONDS * self.sample_rate)) if self.realtime else self.sample_rate
            while True:
                with self._wakeup:
                    while not self._closing and not self._has_work():
                        self._wakeup.wait()
                    if self._closing and not self._has_work():
                        return
                if self.realtime:
                    self._play_paced(block)
                else:
                    while self._has_work():
                        self._file.write(self._pull(block, pad=False))
                    self._mark_idle_if_drained()
        except BaseException as exc:  # a full disk must surface in play()/close(), not vanish in a thread
            self._error = exc
            self.stop()

    def _play_paced(self, block: int) -> None:
        # Silence for the time nobody was speaking, so positions in the file follow the session's clock.
        elapsed_frames = int((time.monotonic() - self._opened_at) * self.speed * self.sample_rate)
        gap = elapsed_frames - self._frames
        if gap > 0:
            self._file.write(np.zeros(gap, dtype=np.float32))
            with self._lock:
                self._frames += gap
        due = time.monotonic()
        while self._has_work() and not self._closing:
            samples = self._pull(block, pad=False)
            self._file.write(samples)
            due += len(samples) / (self.sample_rate * self.speed)
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._mark_idle_if_drained()

    def close(self) -> None:
        """Lets queued audio finish (call stop() first to drop it), then finalises the WAV file."""
        if self._closing:
            return
        self.wait()
        self._closing = True
        self._wake()
        self._thread.join()
        try:
            self._file.close()  # writes the WAV header's sizes: can fail on a full disk too
        except (OSError, RuntimeError) as exc:
            self._error = self._error or exc
        if self._error is not None:
            self._pending.discard()
            raise AudioDeviceError(self.failure or "", "output") from None
        try:
            self._pending.commit()
        except OSError as exc:
            self._error = exc
            raise AudioDeviceError(self.failure or "", "output") from None

    def __enter__(self) -> FileOutput:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class FileInput:
    """A recording fed as if it came from the microphone: any format soundfile reads, any rate or channel
    count, resampled to 16 kHz mono int16 with soxr. realtime=True delivers each chunk when a microphone
    would have (times `speed`); realtime=False as fast as the caller takes them. The last chunk is padded
    with silence so every chunk has the same size (voice activity detectors need whole frames)."""

    def __init__(self, path: str | Path, realtime: bool = True, *, chunk_ms: int = INPUT_CHUNK_MS,
                 speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.path = Path(path)
        self.realtime = realtime
        self.speed = speed
        self.sample_rate = INPUT_RATE
        self.chunk_samples = INPUT_RATE * chunk_ms // 1000
        # The same reader and checks as `ask --audio`: not a regular file, damaged (NaN/inf samples) or empty
        # get the same plain words here, and nothing reaches numpy's arithmetic to warn about.
        from voiceguide.input_limits import MAX_RECORDING_BYTES, MAX_RECORDING_SECONDS
        from voiceguide.speech.audio_file import AudioFileError, read_samples

        try:
            mono, rate = read_samples(self.path, MAX_RECORDING_SECONDS, MAX_RECORDING_BYTES)
        except AudioFileError as exc:
            if exc.reason == "file not found":
                raise AudioFileInputError(f"The recording {self.path} does not exist.") from None
            if exc.reason in ("contains no audio", "the file is empty"):
                raise AudioFileInputError(f"The recording {self.path} is empty.") from None
            raise AudioFileInputError(
                f"The recording {self.path} could not be read as audio: {exc.reason}."
            ) from None
        if rate != INPUT_RATE:
            import soxr

            mono = soxr.resample(mono, rate, INPUT_RATE)
        self.pcm = Audio(np.ascontiguousarray(mono, dtype=np.float32), INPUT_RATE).to_int16()
        self.duration = len(self.pcm) / INPUT_RATE
        self.position = 0.0  # seconds delivered so far
        self.started_at: float | None = None  # time.monotonic() of the first chunk request
        self._closed = False

    def chunks(self) -> Iterator[np.ndarray]:
        n = self.chunk_samples
        self.started_at = time.monotonic()
        for index, start in enumerate(range(0, len(self.pcm), n)):
            if self._closed:
                return
            chunk = self.pcm[start : start + n]
            if len(chunk) < n:
                chunk = np.concatenate([chunk, np.zeros(n - len(chunk), dtype=np.int16)])
            if self.realtime:  # a microphone hands over a chunk once it has been recorded
                pause = self.started_at + (index + 1) * n / (INPUT_RATE * self.speed) - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            self.position = (start + n) / INPUT_RATE
            yield chunk

    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> FileInput:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
