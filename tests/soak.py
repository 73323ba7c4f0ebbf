"""The soak: many turns through the real live loop (AssistantLoop, the embedded recognizer, the renderer) with
file-backed devices, alternating questions, commands, silence and noise, as an unattended kiosk hears them.
It measures what a kiosk that runs for weeks must not do: grow in memory, leak threads or open files, or
leave a turn unanswered. `scripts/bench.py soak` prints the 1,000-turn figures; the tests run a short one.

One AssistantLoop (and its conversation, recognizer and renderer) serves every block, as the kiosk's retry
loop reuses it; each block is one recording of BLOCK_TURNS segments fed through FileInput and a person who
waits for answers (WaitingPersonInput), and its answers are written through FileOutput.
"""

from __future__ import annotations

import gc
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.conftest import CORPORA
from tests.sessions import render_in_fresh_engine

QUESTIONS = [
    "what are the symptoms of a blood clot behind the knee",
    "how is a clot in the buttocks treated",
    "what causes a blood clot behind the knee",
    "can a clot in the buttocks be dangerous",
]
COMMANDS = ["repeat that", "tell me more", "help", "slower", "faster"]
KINDS = ("question", "command", "silence", "noise")
BLOCK_TURNS = 20
# Caches fill in the first blocks (every phrase rendered and decoded once); growth counts after them.
WARM_UP_BLOCKS = 2
RATE = 16000


@dataclass
class SoakFigures:
    turns_fed: int  # segments fed: questions + commands + silences + noises
    utterances: int  # of which spoken (questions and commands)
    heard: int  # turns the loop heard
    answered: int  # turns that got a spoken reply
    unanswered: list[str]
    rss_start_mb: float  # after the warm-up blocks (everything loaded and warm), freed pages returned
    rss_end_mb: float
    raw_rss_start_mb: float  # the same without returning freed pages first
    raw_rss_end_mb: float
    threads_start: int
    threads_end: int
    fds_start: int
    fds_end: int
    seconds: float

    @property
    def growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_start_mb


def _held_mb() -> float:
    """RSS once glibc has handed freed pages back (malloc_trim): what the process holds, not what the
    allocator keeps cached for reuse, which swings by +-10 MB from one utterance to the next and would hide a
    leak or fake one."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return _rss_mb()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _noise(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Real kitchen noise when ../shared/corpora is here, else quiet pink-ish noise made here."""
    path = CORPORA / "kitchen-noise-16k.wav"
    n = int(seconds * RATE)
    if path.exists():
        noise, _ = sf.read(str(path), dtype="float32", frames=n * 4)
        noise = noise if noise.ndim == 1 else noise.mean(axis=1)
        start = int(rng.integers(0, max(1, len(noise) - n)))
        return (noise[start : start + n] * 0.5).astype(np.float32)
    white = rng.normal(0, 0.02, n).astype(np.float32)
    return np.convolve(white, np.ones(8, dtype=np.float32) / 8, mode="same")


def build_block(path: Path, clips: dict[str, np.ndarray], index: int) -> tuple[Path, int]:
    """One recording of BLOCK_TURNS segments in the order question, command, silence, noise, ...;
    (path, how many of them are spoken)."""
    rng = np.random.default_rng(index)
    parts = [np.zeros(RATE // 2, dtype=np.float32)]
    spoken = 0
    for turn in range(BLOCK_TURNS):
        kind = KINDS[turn % len(KINDS)]
        if kind == "question":
            parts.append(clips[QUESTIONS[(index + turn) % len(QUESTIONS)]] * 0.7)
            spoken += 1
        elif kind == "command":
            parts.append(clips[COMMANDS[(index + turn) % len(COMMANDS)]] * 0.7)
            spoken += 1
        elif kind == "silence":
            parts.append(np.zeros(2 * RATE, dtype=np.float32))
        else:
            parts.append(_noise(2.0, rng))
        parts.append(np.zeros(int(1.5 * RATE), dtype=np.float32))
    sf.write(str(path), np.clip(np.concatenate(parts), -1, 1), RATE, subtype="PCM_16")
    return path, spoken


def run_soak(turns: int, scratch: Path, progress=None) -> SoakFigures:
    import time

    from voiceguide.answer.conversation import Conversation
    from voiceguide.content.content_model import load_content
    from voiceguide.live.loop import AssistantLoop, LoopOptions
    from voiceguide.live.native_memory import tune_for_long_run
    from voiceguide.live.recorded_session import WaitingPersonInput
    from voiceguide.speech.asr.models import choose_recognizer
    from voiceguide.speech.file_devices import FileInput, FileOutput
    from voiceguide.speech.tts import Renderer

    tune_for_long_run()  # as `listen` does before its models load
    texts = QUESTIONS + COMMANDS
    clips = dict(zip(texts, render_in_fresh_engine(texts, scratch), strict=True))
    content = load_content()
    recognizer, _reason = choose_recognizer(content)
    options = LoopOptions(welcome=False, kiosk=True, idle_timeout=120.0, settings_dir=scratch)
    loop = AssistantLoop(Conversation(content), recognizer, Renderer(), options, captions=lambda _line: None)
    blocks = max(1, round(turns / BLOCK_TURNS))
    fed = utterances = heard = answered = 0
    unanswered: list[str] = []
    started = time.perf_counter()
    start = (0.0, 0.0, 0, 0)
    warm_up_end = max(0, min(WARM_UP_BLOCKS, blocks - 1) - 1)  # the block after which growth is counted
    for index in range(blocks):
        session, spoken = build_block(scratch / "session.wav", clips, index)
        recording = FileInput(session, realtime=False)
        person = WaitingPersonInput(recording, lambda: loop.is_speaking, realtime=False)
        output = FileOutput(scratch / "out.wav", realtime=False)
        try:
            result = loop.run(person, output)
        finally:
            person.close()
            output.close()
        fed += BLOCK_TURNS
        utterances += spoken
        heard += len(result.turns)
        for turn in result.turns:
            if turn.reply is not None and (turn.reply.answer or turn.said):
                answered += 1
            else:
                unanswered.append(turn.heard)
        if index == warm_up_end:
            gc.collect()
            raw = _rss_mb()
            start = (_held_mb(), raw, threading.active_count(), len(os.listdir("/proc/self/fd")))
        if progress is not None:
            progress(index + 1, blocks)
    gc.collect()
    time.sleep(0.2)  # worker threads of the last utterance finish
    raw_end = _rss_mb()
    return SoakFigures(fed, utterances, heard, answered, unanswered, start[0], _held_mb(), start[1], raw_end,
                       start[2], threading.active_count(), start[3], len(os.listdir("/proc/self/fd")),
                       time.perf_counter() - started)
