"""Answers out loud: one answer at a time, sentence by sentence, on a thread of its own so that rendering and
playback never hold up listening."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voiceguide.live.events import EventKind, EventSink, LoopEvent, no_events
from voiceguide.speech.audio import Audio
from voiceguide.speech.earcons import earcon


@dataclass
class _Job:
    text: str
    label: str
    earcon_before: str | None
    cue_after: bool
    generation: int = 0
    cancelled: bool = False


class AnswerPlayer:
    """Plays one answer at a time, sentence by sentence, on its own thread.

    The next sentence renders while the current one plays (Renderer.render_sentences' lookahead); it is
    handed to the output only when the current one has finished, so the "Saying:" caption appears when the
    sentence really starts. stop() cancels under the same lock that guards play(), so nothing from a stopped
    answer can slip out after it.
    """

    def __init__(self, renderer: Any, output: Any, captions: Callable[[str], None],
                 on_error: Callable[[BaseException], None], events: EventSink = no_events) -> None:
        self.renderer = renderer
        self.output = output
        self.captions = captions
        self.events = events
        self.on_error = on_error
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._active: _Job | None = None
        self._pending = 0
        self._generation = 0  # bumped by stop(): a job from an older generation never plays
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="voiceguide-player", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return not self._idle.is_set()

    def say(self, text: str, label: str, *, earcon_before: str | None = None,
            cue_after: bool = False) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
            self._jobs.put(_Job(text, label, earcon_before, cue_after, self._generation))

    def tone(self, name: str) -> None:
        self.say("", f"earcon-{name}", earcon_before=name)

    def stop(self) -> bool:
        """Silences at once and drops what is queued; True if something was playing or about to."""
        with self._lock:
            was_busy = self.busy
            self._generation += 1
            if self._active is not None:
                self._active.cancelled = True
            while True:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)
                    break
                self._pending -= 1
            self.output.stop()
            if self._active is None and self._pending == 0:
                self._idle.set()
        return was_busy

    def wait(self, timeout: float | None = None) -> bool:
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=10)

    def _play(self, job: _Job, audio: Audio, label: str) -> bool:
        with self._lock:
            if job.cancelled:
                return False
            self.output.play(audio, label)
            return True

    def _wait_output(self, job: _Job) -> None:
        while not job.cancelled and self.output.is_playing:
            self.output.wait(0.02)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            with self._lock:
                job.cancelled = job.cancelled or job.generation != self._generation
                self._active = job
            try:
                self._speak(job)
            except Exception as exc:  # a failing speech engine must not kill the player
                self.on_error(exc)
            finally:
                with self._lock:
                    self._active = None
                    self._pending -= 1
                    if self._pending <= 0:
                        self._pending = 0
                        self._idle.set()

    def _speak(self, job: _Job) -> None:
        volume = float(getattr(self.renderer.settings, "volume", 0.8))
        if job.text:
            begin = getattr(self.output, "begin_answer", None)
            if begin is not None:
                begin(job.label)
        if job.earcon_before:
            self._play(job, earcon(job.earcon_before, volume=volume * 0.6), f"earcon:{job.earcon_before}")
        if job.text:
            sentences = self.renderer.render_sentences(job.text)
            try:
                for index, sentence in enumerate(sentences, 1):
                    self._wait_output(job)
                    with self._lock:
                        if job.cancelled:
                            break
                        self.captions(f"Saying: {sentence.text}")
                        self.events(LoopEvent(EventKind.SPEAKING, sentence.text, index=index - 1,
                                              label=job.label))
                        self.output.play(sentence.audio, f"{job.label}:{index}")
            finally:
                sentences.close()  # cancels renders not yet started (barge-in)
        self._wait_output(job)
        if job.cue_after and not job.cancelled and self._jobs.empty():
            self._play(job, earcon("listening", volume=volume * 0.6), "earcon:listening")
            self._wait_output(job)
