"""Helpers for running VoiceGuide as a person would, shared by the loop and CLI tests: a recorded session of
real espeak-ng speech, the captions a run prints, a private environment to run it in, and a pseudo-terminal
with real key presses."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.conftest import CORPORA, REPO

GAP = 1.5


def build_session(path: Path, utterances: list[str], gaps: list[float] | float = GAP,
                  noise_db: float | None = 18.0, lead: float = 0.5) -> Path:
    """One 16 kHz recording of espeak-ng saying each utterance, separated by silence (plus kitchen noise
    at `noise_db` SNR when ../shared/corpora is present)."""
    gap_list = gaps if isinstance(gaps, list) else [gaps] * len(utterances)
    parts = [np.zeros(int(lead * 16000), dtype=np.float32)]
    for speech_part, gap in zip(render_in_fresh_engine(utterances, path.parent), gap_list, strict=True):
        parts.append(speech_part * 0.7)
        parts.append(np.zeros(int(gap * 16000), dtype=np.float32))
    speech = np.concatenate(parts)
    noise_file = CORPORA / "kitchen-noise-16k.wav"
    if noise_db is not None and noise_file.exists():
        noise, rate = sf.read(str(noise_file), dtype="float32", always_2d=True)
        assert rate == 16000
        noise = np.resize(noise.mean(axis=1), len(speech))
        voiced = speech[np.abs(speech) > 1e-4]
        gain = np.sqrt(np.mean(voiced**2)) / (np.sqrt(np.mean(noise**2)) * 10 ** (noise_db / 20))
        speech = speech + noise * gain
    sf.write(str(path), np.clip(speech, -1, 1), 16000, subtype="PCM_16")
    return path


_RENDER_SCRIPT = """
import sys
import soundfile as sf
from voiceguide.speech.tts import Renderer
rate = int(sys.argv[2])
renderer = Renderer(output_rate=rate)
for index, text in enumerate(sys.argv[3:]):
    sf.write(f"{sys.argv[1]}/{index:03d}.wav", renderer.render(text).samples, rate, subtype="FLOAT")
"""


def render_in_fresh_engine(utterances: list[str], scratch: Path, rate: int = 16000) -> list[np.ndarray]:
    """Each utterance in the default voice, rendered by a new process, as a `voiceguide` run would. In this
    process espeak-ng keeps a trace of any voice an earlier test used (measured: "repeat that" came out 7
    samples longer after an en-gb-x-rp render, which was enough to change what the recognizer heard), so a
    session built here would depend on which tests ran before it."""
    folder = scratch / f"render-{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir()
    subprocess.run([sys.executable, "-c", _RENDER_SCRIPT, str(folder), str(rate), *utterances],
                   check=True, cwd=REPO, timeout=120)
    parts = [sf.read(str(folder / f"{i:03d}.wav"), dtype="float32")[0] for i in range(len(utterances))]
    for wav in folder.iterdir():
        wav.unlink()
    folder.rmdir()
    return parts


def spoken_turns(stdout: str) -> list[tuple[str, list[str]]]:
    """(heard, sentences said after it) for each "Heard:" caption, in order."""
    turns: list[tuple[str, list[str]]] = []
    for line in stdout.splitlines():
        if line.startswith("Heard: "):
            turns.append((line[len("Heard: "):], []))
        elif line.startswith("Saying: ") and turns:
            turns[-1][1].append(line[len("Saying: "):])
    return turns


def private_env(root: Path) -> dict[str, str]:
    """Environment for a run whose every write can be seen: HOME, TMPDIR and the settings folder of its own
    under `root` (created), so nothing lands elsewhere unseen and saved settings on this machine cannot
    change the voice; no XDG_ or VOICEGUIDE_ variables from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "VOICEGUIDE_"))}
    for name in ("home", "tmp", "config"):
        (root / name).mkdir(exist_ok=True)
    env.update(HOME=str(root / "home"), TMPDIR=str(root / "tmp"), VOICEGUIDE_CONFIG_DIR=str(root / "config"),
               PYTHONDONTWRITEBYTECODE="1")
    return env


class Terminal:
    """A program on a pseudo-terminal, as a person sees it: standard input, output and error all on the
    terminal, what it prints read as it comes, keys really typed."""

    def __init__(self, args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.leader, follower = pty.openpty()
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=follower, stdout=follower, stderr=follower,
                                     close_fds=True)
        os.close(follower)
        self.output = ""

    def read_until(self, wanted: str, after: int = 0, timeout: float = 60.0) -> int:
        """Index in everything printed where `wanted` first appears at or after `after`."""
        deadline = time.monotonic() + timeout
        while wanted not in self.output[after:]:
            if time.monotonic() > deadline or not self._read(0.2):
                raise AssertionError(f"{wanted!r} never appeared; the terminal showed:\n{self.output}")
        return self.output.index(wanted, after)

    def _read(self, wait: float) -> bool:
        """False once the program has closed the terminal."""
        ready, _, _ = select.select([self.leader], [], [], wait)
        if not ready:
            return True
        try:
            data = os.read(self.leader, 4096)
        except OSError:
            return False
        self.output += data.decode(errors="replace")
        return bool(data)

    def press(self, keys: bytes) -> None:
        os.write(self.leader, keys)

    def finish(self, timeout: float = 120.0) -> int:
        """Waits for the program to end (killing it after `timeout`), reads what it printed last, and
        returns its exit code."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        while select.select([self.leader], [], [], 0.05)[0] and self._read(0):
            pass
        os.close(self.leader)
        return self.proc.returncode
