"""File-backed stand-ins at the device boundary for `listen --input-file/--output-file/--output-dir`.

A recorded session is one person's side of a conversation with short pauses between utterances; it cannot know
how long the answers will take. Fed straight through (`--as-recorded`), the next question would arrive while
the previous answer plays, exactly as a microphone would hear it - which is what a barge-in test wants. By
default the recording instead plays the part of a person who waits: while VoiceGuide is speaking, the
"microphone" hears silence and the recording is held, then it resumes where it was. The loop itself is the
same code either way; only what the microphone hears differs.

Pacing: real time (times --speed) keeps every relative timing between what is heard and what is played.
--fast drops pacing entirely for turn-taking runs: the recording is read as fast as the loop takes it, the
held time while VoiceGuide speaks is skipped rather than filled with silence, and the output file is written
as fast as answers render (clips back to back).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.safe_files import plain_reason
from voiceguide.speech.audio import Audio
from voiceguide.speech.audio_devices import AudioDeviceError
from voiceguide.speech.file_devices import FileInput, FileOutput
from voiceguide.speech.playback_queue import PlayedClip


class WaitingPersonInput:
    """A recording that holds while `assistant_speaking()` is true (the person waits for the answer)."""

    def __init__(self, recording: FileInput, assistant_speaking: Callable[[], bool], *, realtime: bool = True,
                 speed: float = 1.0) -> None:
        self.recording = recording
        self.assistant_speaking = assistant_speaking
        self.realtime = realtime
        self.speed = speed
        self.sample_rate = recording.sample_rate
        self.chunk_samples = recording.chunk_samples
        self.held_seconds = 0.0
        self._closed = False

    def chunks(self) -> Iterator[np.ndarray]:
        pcm, n = self.recording.pcm, self.chunk_samples
        source = (np.pad(pcm[i : i + n], (0, max(0, i + n - len(pcm)))) for i in range(0, len(pcm), n))
        silence = np.zeros(self.chunk_samples, dtype=np.int16)
        chunk_wall = self.chunk_samples / self.sample_rate / self.speed
        due = time.monotonic()
        while not self._closed:
            if self.assistant_speaking():
                if not self.realtime:
                    time.sleep(0.002)  # held time is skipped, not simulated, when unpaced
                    continue
                self.held_seconds += self.chunk_samples / self.sample_rate
                chunk = silence
            else:
                chunk = next(source, None)
                if chunk is None:
                    return
            if self.realtime:
                due += chunk_wall
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            yield chunk

    def close(self) -> None:
        self._closed = True
        self.recording.close()


class AnswerDirOutput:
    """--output-dir: each answer goes to its own WAV (001-answer-1.wav, ...), with the tone that starts it.
    Tones outside an answer (the listening cue) go into the answer they follow."""

    def __init__(self, directory: str | Path, realtime: bool = True, *, speed: float = 1.0,
                 sample_rate: int = 22050) -> None:
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AudioDeviceError(f"Cannot write answers to {self.directory}: {plain_reason(exc)}.",
                                   "output") from None
        self.realtime, self.speed, self.sample_rate = realtime, speed, sample_rate
        self.files: list[Path] = []
        self._done: list[FileOutput] = []
        self._current: FileOutput | None = None

    def begin_answer(self, label: str) -> None:
        previous = self._current
        if previous is not None:
            # Closing waits for the answer to finish playing, and it is still the one playing meanwhile. One
            # that could not be written (full disk) has already said so through play(), and is reported again
            # by `failure` at the end; the next answer still gets its own try.
            with contextlib.suppress(AudioDeviceError):
                previous.close()
            self._done.append(previous)
            self._current = None
        path = self.directory / f"{len(self.files) + 1:03d}-{label}.wav"
        self.files.append(path)
        self._current = FileOutput(path, self.realtime, speed=self.speed, sample_rate=self.sample_rate)

    def play(self, audio: Audio, label: str = "") -> None:
        if self._current is None:
            self.begin_answer("sound")
        assert self._current is not None
        self._current.play(audio, label)

    def wait(self, timeout: float | None = None) -> bool:
        return self._current.wait(timeout) if self._current is not None else True

    def stop(self) -> None:
        if self._current is not None:
            self._current.stop()

    @property
    def is_playing(self) -> bool:
        return self._current is not None and self._current.is_playing

    @property
    def failure(self) -> str | None:
        """The first answer file that could not be written (its partial file is already gone), or None."""
        outputs: list[Any] = [*self._done, *([self._current] if self._current else [])]
        return next((out.failure for out in outputs if out.failure), None)

    @property
    def timeline(self) -> list[PlayedClip]:
        outputs: list[Any] = [*self._done, *([self._current] if self._current else [])]
        return [clip for out in outputs for clip in out.timeline]

    def close(self) -> None:
        previous = self._current
        if previous is not None:
            try:
                previous.close()
            finally:
                self._done.append(previous)
                self._current = None
